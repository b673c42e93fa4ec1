import type { MatchStatus } from './schema.js';

/** Korean labels of the statuses, used in emails and pages. */
export const STATUS_LABELS: Record<MatchStatus, string> = {
  proposed: '제안받음 (proposed)',
  requested: '요청됨 (requested)',
  notified: '담당자에게 전달됨 (notified)',
  viewed: '담당자 열람 (viewed)',
  accepted: '수락 (accepted)',
  declined: '거절 (declined)',
  negotiating: '협상 중 (negotiating)',
  transferred: '이전 완료 (transferred)',
  closed: '종료 (closed)',
};

/** Timeline message of a manager request that was only written to the log (no `--smtp`): the manager has not received it. */
export const LOGGED_NOTICE = '기록만 됨 (메일 서버 없음)';

/** What a manager email says about the demand. */
export interface DemandSummary {
  name: string;
  description: string;
  field: string | null;
  transferKind: string | null;
  contact: string | null;
  /** Null where the demander has not shared it (a manager's proposal not accepted yet). */
  requesterEmail: string | null;
}

/** The patent a request is about. */
export interface PatentSummary {
  applicationNumber: string;
  title: string;
  applicants: string[];
}

/** Signed response links and when they stop working. */
export interface ResponseLinks {
  accept: string;
  decline: string;
  question: string;
  expires: number;
}

const optional = (label: string, value: string | null): string[] => (value ? [`${label}: ${value}`] : []);

/**
 * Text a user wrote, quoted: every line starts with `> ` and runs of blank lines shrink to one, so
 * a description cannot pass itself off as part of the email (fake response links after a screen of
 * blank lines).
 */
export function quoted(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n\s*\n(\s*\n)+/g, '\n\n').split('\n');
  return lines.map((line) => (line.trim() === '' ? '>' : `> ${line}`));
}

const quotedBlock = (label: string, value: string | null): string[] => (value ? [`${label}:`, ...quoted(value)] : []);

const patentLines = (patent: PatentSummary): string[] => [
  `특허 (patent): ${patent.title}`,
  `출원번호 (application no.): ${patent.applicationNumber}`,
  ...optional('출원인 (applicant)', patent.applicants.join('; ') || null),
];

/**
 * The email asking a technology manager to answer a match request. `reason` is the abstract
 * sentence closest to the demand (the best sentence of the recommendation's explanation), quoted
 * under "why this patent was requested"; null leaves the block out (demands stored before
 * explanations).
 *
 * @example
 * const { subject, text } = managerRequestEmail(demand, patent, links, '담당자 1', null, '그래핀 전극을 제조하는 방법을 제공한다.');
 */
export function managerRequestEmail(
  demand: DemandSummary,
  patent: PatentSummary,
  links: ResponseLinks,
  managerName: string,
  message: string | null = null,
  reason: string | null = null,
): { subject: string; text: string } {
  return {
    subject: `[patmatch] 기술이전 요청: ${patent.title}`,
    text: managerText(managerName, '한 수요기업이 귀 기관의 특허에 대한 기술이전을 요청했습니다.', patent, [
      ...(reason ? [...quotedBlock('이 특허가 요청된 이유 (why this patent was requested: the sentence of its abstract closest to the demand)', reason), ''] : []),
      '아래 링크에서 응답해 주세요 (each link opens a confirmation page):',
      `수락 (accept):   ${links.accept}`,
      `거절 (decline):  ${links.decline}`,
      `문의 (question): ${links.question}`,
      `링크 유효기간 (links expire): ${new Date(links.expires).toISOString()}`,
      '',
      ...demandLines(demand),
      ...(message ? ['', ...quotedBlock('요청자 메시지 (message from the requester)', message)] : []),
    ]),
  };
}

/** A manager email: greeting, what happened, the patent, then the rest. */
function managerText(managerName: string, what: string, patent: PatentSummary, rest: string[]): string {
  return [`${managerName}님, 안녕하세요.`, '', what, '', ...patentLines(patent), '', ...rest].join('\n');
}

/** The demand as the manager emails show it; what the demander typed is quoted. */
function demandLines(demand: DemandSummary): string[] {
  return [
    '--- 요청자가 입력한 내용 (written by the requester) ---',
    `수요기술명 (demand): ${demand.name}`,
    ...quotedBlock('설명 (description)', demand.description),
    ...optional('분야 (field)', demand.field),
    ...optional('희망 이전 형태 (desired transfer)', demand.transferKind),
    ...optional('연락처 (contact)', demand.contact),
    ...optional('요청자 (requester)', demand.requesterEmail),
  ];
}

/**
 * A demander's message about a request the manager has already answered (accepted or in
 * negotiation): the message and a reply link, without accept or decline links.
 *
 * @example
 * const { subject, text } = managerMessageEmail(demand, patent, '담당자 1', '계약서 초안을 보냅니다', { reply, expires });
 */
export function managerMessageEmail(
  demand: DemandSummary,
  patent: PatentSummary,
  managerName: string,
  message: string,
  link: { reply: string; expires: number },
): { subject: string; text: string } {
  return {
    subject: `[patmatch] 요청자 메시지: ${patent.title}`,
    text: managerText(managerName, '기술이전 요청자가 메시지를 보냈습니다 (the requester sent a message).', patent, [
      `답장 (reply): ${link.reply}`,
      `링크 유효기간 (link expires): ${new Date(link.expires).toISOString()}`,
      '',
      ...quotedBlock('요청자 메시지 (message from the requester)', message),
      '',
      ...demandLines(demand),
    ]),
  };
}

/**
 * Tells a manager that the demander withdrew a request, so they stop working on it.
 *
 * @example
 * const { subject, text } = withdrawalEmail(patent, '담당자 1', null);
 */
export function withdrawalEmail(patent: PatentSummary, managerName: string, message: string | null): { subject: string; text: string } {
  return {
    subject: `[patmatch] 요청 철회: ${patent.title}`,
    text: managerText(
      managerName,
      '요청자가 이 기술이전 요청을 철회했습니다 (the requester withdrew this request). 더 응답하지 않으셔도 됩니다.',
      patent,
      quotedBlock('요청자 메시지 (message from the requester)', message),
    ),
  };
}

/**
 * The email telling a demander that a technology manager proposes one of their organisation's
 * patents for a public demand. What the manager wrote is quoted, as demanders' text is for managers.
 *
 * @example
 * const { subject, text } = proposalEmail('슈퍼커패시터 전극', patent, { name: '담당자 1', organization: '인천대학교 산학협력단' }, null, null, 'http://localhost:8080/#/match?demand=3');
 */
export function proposalEmail(
  demandName: string,
  patent: PatentSummary,
  manager: { name: string; organization: string },
  message: string | null,
  reason: string | null,
  demandUrl: string,
): { subject: string; text: string } {
  return {
    subject: `[patmatch] 특허 제안: ${patent.title}`,
    text: [
      `${manager.organization}의 기술이전 담당자(${manager.name})가 공개 수요 "${demandName}"에 특허를 제안했습니다 (a technology manager proposes a patent for your public demand).`,
      '',
      ...patentLines(patent),
      ...(reason ? ['', ...quotedBlock('이 특허가 맞는 이유 (why it matches: the sentence of its abstract closest to the demand)', reason)] : []),
      ...(message ? ['', ...quotedBlock('담당자 메시지 (message from the manager)', message)] : []),
      '',
      '수락하면 담당자가 연락처를 보고 대화를 이어 갑니다 (accepting shows your contact to the manager).',
      `수락 또는 거절 (accept or decline): ${demandUrl}`,
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
      ...quotedBlock('메시지 (message)', message),
      '',
      `대시보드 (dashboard): ${dashboardUrl}`,
    ].join('\n'),
  };
}
