import type { MatchStatus } from './schema.js';

/** Korean labels of the statuses, used in emails and pages. */
export const STATUS_LABELS: Record<MatchStatus, string> = {
  requested: '요청됨 (requested)',
  notified: '담당자에게 전달됨 (notified)',
  viewed: '담당자 열람 (viewed)',
  accepted: '수락 (accepted)',
  declined: '거절 (declined)',
  negotiating: '협상 중 (negotiating)',
  transferred: '이전 완료 (transferred)',
  closed: '종료 (closed)',
};

/** What a manager email says about the demand. */
export interface DemandSummary {
  name: string;
  description: string;
  field: string | null;
  transferKind: string | null;
  contact: string | null;
  requesterEmail: string;
}

/** The patent a request is about. */
export interface PatentSummary {
  applicationNumber: string;
  title: string;
  applicant: string | null;
}

/** Signed response links and when they stop working. */
export interface ResponseLinks {
  accept: string;
  decline: string;
  question: string;
  expires: number;
}

const optional = (label: string, value: string | null): string[] => (value ? [`${label}: ${value}`] : []);

const patentLines = (patent: PatentSummary): string[] => [
  `특허 (patent): ${patent.title}`,
  `출원번호 (application no.): ${patent.applicationNumber}`,
  ...optional('출원인 (applicant)', patent.applicant),
];

/**
 * The email asking a technology manager to answer a match request.
 *
 * @example
 * const { subject, text } = managerRequestEmail(demand, patent, links, '담당자 1');
 */
export function managerRequestEmail(
  demand: DemandSummary,
  patent: PatentSummary,
  links: ResponseLinks,
  managerName: string,
  message: string | null = null,
): { subject: string; text: string } {
  return {
    subject: `[patmatch] 기술이전 요청: ${patent.title}`,
    text: [
      `${managerName}님, 안녕하세요.`,
      '',
      '한 수요기업이 귀 기관의 특허에 대한 기술이전을 요청했습니다.',
      '',
      ...patentLines(patent),
      '',
      `수요기술명 (demand): ${demand.name}`,
      `설명 (description): ${demand.description}`,
      ...optional('분야 (field)', demand.field),
      ...optional('희망 이전 형태 (desired transfer)', demand.transferKind),
      ...optional('연락처 (contact)', demand.contact),
      `요청자 (requester): ${demand.requesterEmail}`,
      ...(message ? ['', `메시지 (message): ${message}`] : []),
      '',
      '아래 링크에서 응답해 주세요 (each link opens a confirmation page):',
      `수락 (accept):   ${links.accept}`,
      `거절 (decline):  ${links.decline}`,
      `문의 (question): ${links.question}`,
      '',
      `링크 유효기간 (links expire): ${new Date(links.expires).toISOString()}`,
    ].join('\n'),
  };
}

/**
 * The email telling a demander that a match changed (a new status or a message).
 *
 * @example
 * const { subject, text } = statusUpdateEmail(patent, 'accepted', 'tlo@univ.example', null, 'http://localhost:8080/');
 */
export function statusUpdateEmail(
  patent: PatentSummary,
  status: MatchStatus,
  actor: string,
  message: string | null,
  dashboardUrl: string,
): { subject: string; text: string } {
  return {
    subject: `[patmatch] ${STATUS_LABELS[status]}: ${patent.title}`,
    text: [
      '기술이전 요청의 상태가 바뀌었습니다 (your match request was updated).',
      '',
      ...patentLines(patent),
      `상태 (status): ${STATUS_LABELS[status]}`,
      `처리자 (by): ${actor}`,
      ...(message ? [`메시지 (message): ${message}`] : []),
      '',
      `대시보드 (dashboard): ${dashboardUrl}`,
    ].join('\n'),
  };
}
