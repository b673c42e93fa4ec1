/**
 * A hash router (`#/path?query`): works from any static host and keeps the search in the address,
 * so reload, back and shared links show the same page.
 */

/** The current page path and its query parameters. */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(query) };
}

/** Reactive current route; components read `router.route`. */
export const router = $state({ route: parse(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

/**
 * Goes to a page; empty parameters are dropped. Returns false when that page is already shown
 * (no `hashchange` follows), so a caller that must run again (a retried search) knows to.
 *
 * @example
 * navigate('/', { q: '그래핀 전극', page: 2 }); // #/?q=그래핀+전극&page=2
 */
export function navigate(path: string, params: Record<string, string | number | undefined> = {}): boolean {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const hash = `#${query.size > 0 ? `${path}?${query}` : path}`;
  if (hash === location.hash) return false;
  location.hash = hash;
  return true;
}
