/**
 * Plotly's cartesian bundle (bar, box, violin, scatter and the axes they need; a third of the full
 * bundle), loaded once, after the search page is shown, so the page never waits for it.
 *
 * @example
 * void loadPlotly(); // warm up when the user is about to select a patent
 * const plotly = await loadPlotly();
 */
export type Plotly = typeof import('plotly.js-cartesian-dist-min').default;

let loading: Promise<Plotly> | undefined;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-cartesian-dist-min').then((module) => module.default);
  // A failed download may be retried by the next call.
  loading.catch(() => (loading = undefined));
  return loading;
}
