import { quoted } from '../emails.js';
import type { Recommendation } from './demands.js';

/** Links of a digest: the demand's page, a patent's KIPRIS page, the signed stop-watching link. */
export interface DigestLinks {
  demand: string;
  kipris(applicationNumber: string): string;
  unwatch: string;
  expires: number;
}

/**
 * The email telling a demander which patents the watch added to their demand: title, application
 * number, the abstract sentence closest to the demand (quoted, as patent text is not ours) and
 * KIPRIS link of each, the demand's page, and a one-click link to stop watching.
 *
 * @example
 * const { subject, text } = watchDigestEmail('영상 인식', added, { demand, kipris, unwatch, expires });
 */
export function watchDigestEmail(demandName: string, added: readonly Recommendation[], links: DigestLinks): { subject: string; text: string } {
  const patents = added.flatMap((hit, i) => {
    const reason = hit.explanation.sentences[0]?.text;
    return [
      `${i + 1}. ${hit.title}`,
      `   출원번호 (application no.): ${hit.applicationNumber}`,
      `   유사도 (score): ${hit.score.toFixed(3)}`,
      ...(reason ? ['   추천 이유 (the sentence closest to your demand):', ...quoted(reason).map((line) => `   ${line}`)] : []),
      `   KIPRIS: ${links.kipris(hit.applicationNumber)}`,
      '',
    ];
  });
  return {
    subject: `[patmatch] 새 추천 특허 ${added.length}건: ${demandName}`,
    text: [
      `수요기술 "${demandName}"에 새로 등록된 특허 중 추천 목록에 들 만한 특허 ${added.length}건을 찾았습니다.`,
      '(new patents that rank among the top recommendations of your demand)',
      '',
      ...patents,
      `수요 페이지 (your demand): ${links.demand}`,
      '',
      `새 특허 알림 끄기 (stop watching this demand; opens a confirmation page): ${links.unwatch}`,
      `링크 유효기간 (link expires): ${new Date(links.expires).toISOString()}`,
    ].join('\n'),
  };
}
