import { STATUS_LABELS } from './emails.js';
import type { LinkAction } from './links.js';
import type { MatchView } from './views.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const ACTION_TITLES: Record<LinkAction, string> = {
  accept: '기술이전 요청 수락 (accept the request)',
  decline: '기술이전 요청 거절 (decline the request)',
  question: '수요기업에 문의 (ask the requester a question)',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · patmatch</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
dt{font-weight:600}textarea{width:100%;min-height:6rem}button{font-size:1rem;padding:.5rem 1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function matchDetails(match: MatchView): string {
  const rows: [string, string | null | undefined][] = [
    ['특허 (patent)', `${match.title} (${match.applicationNumber})`],
    ['출원인 (applicant)', match.applicants.join('; ')],
    ['수요기술명 (demand)', match.demand?.name],
    ['설명 (description)', match.demand?.description],
    ['희망 이전 형태 (desired transfer)', match.demand?.transferKind],
    ['연락처 (contact)', match.demand?.contact],
    ['상태 (status)', STATUS_LABELS[match.status]],
  ];
  return `<dl>${rows
    .filter(([, value]) => value)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value!)}</dd>`)
    .join('')}</dl>`;
}

/**
 * The page an emailed link opens: it shows the request and a form that performs the action by POST
 * (opening the link does nothing, so mail scanners that prefetch links cannot answer for anyone).
 *
 * @example
 * reply.type('text/html').send(confirmPage(match, 'accept', { expires, sig }));
 */
export function confirmPage(match: MatchView, action: LinkAction, link: { expires: number; sig: string }): string {
  const messageField =
    action === 'question'
      ? '<p><label>질문 (question)<br><textarea name="message" required maxlength="2000"></textarea></label></p>'
      : '<p><label>메시지 (optional message)<br><textarea name="message" maxlength="2000"></textarea></label></p>';
  return page(
    ACTION_TITLES[action],
    `${matchDetails(match)}
<form method="post">
<input type="hidden" name="expires" value="${link.expires}"><input type="hidden" name="sig" value="${escapeHtml(link.sig)}">
${messageField}<p><button type="submit">${escapeHtml(ACTION_TITLES[action])}</button></p></form>`,
  );
}

/**
 * The page the stop-watching link of a watch digest opens: it names the demand and stops its watch
 * only by POST, like `confirmPage`.
 *
 * @example
 * reply.type('text/html').send(unwatchConfirmPage({ name: '영상 인식', watch: true }, { expires, sig }));
 */
export function unwatchConfirmPage(demand: { name: string; watch: boolean }, link: { expires: number; sig: string }): string {
  const title = '새 특허 알림 끄기 (stop watching for new patents)';
  if (!demand.watch) return page(title, `<p>${escapeHtml(`수요기술 "${demand.name}"의 알림은 이미 꺼져 있습니다 (already off).`)}</p>`);
  return page(
    title,
    `<p>${escapeHtml(`수요기술 "${demand.name}"에 맞는 새 특허를 더 이상 찾지 않고 알리지 않습니다. 수요 페이지에서 다시 켤 수 있습니다 (you can switch it on again on the demand page).`)}</p>
<form method="post">
<input type="hidden" name="expires" value="${link.expires}"><input type="hidden" name="sig" value="${escapeHtml(link.sig)}">
<p><button type="submit">${escapeHtml(title)}</button></p></form>`,
  );
}

/**
 * The page shown after an action or when a link cannot be used.
 *
 * @example
 * reply.code(403).type('text/html').send(resultPage('링크 오류', 'This link has expired.'));
 */
export function resultPage(title: string, message: string, match?: MatchView): string {
  return page(title, `<p>${escapeHtml(message)}</p>${match ? matchDetails(match) : ''}`);
}
