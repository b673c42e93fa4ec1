// The parts of Plotly's API the dashboard uses; plotly.js-cartesian-dist-min ships no types.
declare module 'plotly.js-cartesian-dist-min' {
  export type Datum = string | number | null;
  export interface PlotData {
    [key: string]: unknown;
  }
  export interface HoverPoint {
    curveNumber: number;
    pointNumber: number;
    data: PlotData;
  }
  export interface PlotlyHTMLElement extends HTMLElement {
    data: PlotData[];
    on(event: 'plotly_hover' | 'plotly_unhover', handler: (event: { points: HoverPoint[] }) => void): void;
    removeAllListeners(event: string): void;
  }
  const Plotly: {
    react(element: HTMLElement, data: PlotData[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<PlotlyHTMLElement>;
    restyle(element: HTMLElement, update: Record<string, unknown>, traces?: number[]): Promise<void>;
    purge(element: HTMLElement): void;
  };
  export default Plotly;
}
