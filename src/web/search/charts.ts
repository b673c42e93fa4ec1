/**
 * Plotly figures for comparing selected patents: a bar chart of each patent's indices min–max scaled
 * within its 6T class, and violins of each index's distribution per class with the patents marked.
 * Only numbers, application numbers and class names reach Plotly, whose labels accept markup;
 * titles stay in the Svelte-rendered legend.
 */
import type { PlotData } from 'plotly.js-cartesian-dist-min';
import type { ApiHit, ClassDistribution } from '../api.js';
import { INDICES } from '../format.js';

/** Colours per selected patent, shared by bars, markers and the legend chips (Okabe–Ito, colour-blind safe). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** A selected patent with its evaluation and class known. */
export type EvaluatedHit = ApiHit & { evaluation: NonNullable<ApiHit['evaluation']> & { tech6t: string } };

/** Whether a hit can be charted: it has an evaluation with a 6T class. */
export function isEvaluated(hit: ApiHit): hit is EvaluatedHit {
  return hit.evaluation !== null && hit.evaluation.tech6t !== null;
}

/**
 * Height a bar at its class minimum is drawn with: bars go from this floor (the class minimum) to 1
 * (the maximum), so the lowest patent of a class still shows as a bar instead of nothing.
 */
export const BAR_FLOOR = 0.04;

/**
 * Scales a value to [BAR_FLOOR, 1] between the class minimum and maximum; 0.5 when the class has
 * one value.
 *
 * @example
 * minMaxScale(75, [60, 90, 75]) // 0.52
 * minMaxScale(60, [60, 90, 75]) // 0.04: the minimum stays visible
 */
export function minMaxScale(value: number | null, values: readonly number[]): number | null {
  if (value === null || values.length === 0) return null;
  const { min, max } = extent(values);
  if (max === min) return 0.5;
  const position = Math.min(1, Math.max(0, (value - min) / (max - min)));
  return BAR_FLOOR + (1 - BAR_FLOOR) * position;
}

function extent(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Kernel bandwidth of a violin: Silverman's rule, but at least a twelfth of the data's range.
 * Indices on a coarse grid (권리성 moves in steps of 3) would otherwise draw a spike per step.
 *
 * @example
 * violinBandwidth([72, 75, 75, 78, 81]) // 0.75 (a twelfth of 9) or Silverman's, whichever is larger
 */
export function violinBandwidth(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined;
  const { min, max } = extent(values);
  if (max === min) return undefined;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
  const silverman = 1.06 * sd * values.length ** -0.2;
  return Math.max(silverman, (max - min) / 12);
}

const AXIS_FONT = { family: 'system-ui, sans-serif', size: 12 };

/** Bar traces (one per patent, in `patents` order) and their layout. */
export function barFigure(patents: readonly EvaluatedHit[], distributions: ReadonlyMap<string, ClassDistribution>) {
  const data: PlotData[] = patents.map((hit, i) => {
    const distribution = distributions.get(hit.evaluation.tech6t);
    const raw = INDICES.map((index) => hit.evaluation[index.evaluation]);
    return {
      type: 'bar',
      name: hit.applicationNumber,
      x: INDICES.map((index) => index.short),
      y: INDICES.map((index, k) => minMaxScale(raw[k] ?? null, distribution?.[index.distribution] ?? [])),
      customdata: raw.map((value) => [value ?? '–', hit.evaluation.tech6t]),
      // Each bar carries its raw value, so a short bar (the class minimum) is still read.
      text: raw.map((value) => (value === null || value === undefined ? '' : String(Math.round(value * 100) / 100))),
      textposition: 'outside',
      cliponaxis: false,
      marker: { color: PALETTE[i % PALETTE.length] },
      hovertemplate: '%{x}: %{customdata[0]} (6T %{customdata[1]} 안 위치 %{y:.2f})<extra>%{fullData.name}</extra>',
    };
  });
  const layout = {
    barmode: 'group',
    hovermode: 'closest',
    margin: { t: 8, r: 8, b: 36, l: 44 },
    height: 280,
    font: AXIS_FONT,
    showlegend: false,
    uniformtext: { minsize: 9, mode: 'show' },
    yaxis: { range: [0, 1.15], title: { text: '6T 분류 내 위치' }, tickvals: [BAR_FLOOR, 1], ticktext: ['최소', '최대'], fixedrange: true },
    xaxis: { fixedrange: true },
  };
  return { data, layout };
}

/** Violin and marker traces, and for each patent the indices of its marker traces. */
export function violinFigure(
  patents: readonly EvaluatedHit[],
  distributions: ReadonlyMap<string, ClassDistribution>,
  columns: number,
) {
  const classes = [...new Set(patents.map((hit) => hit.evaluation.tech6t))];
  const data: PlotData[] = [];
  const markerTraces = new Map<string, number[]>();
  INDICES.forEach((index, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    for (const tech6t of classes) {
      const values = distributions.get(tech6t)?.[index.distribution] ?? [];
      data.push({
        type: 'violin',
        name: tech6t,
        x: values.map(() => tech6t),
        y: values,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        points: false,
        // The density stops at the smallest and largest value instead of running past them.
        spanmode: 'hard',
        bandwidth: violinBandwidth(values),
        scalemode: 'width',
        width: 0.8,
        box: { visible: true, width: 0.12 },
        meanline: { visible: true },
        line: { color: '#8a8f98' },
        fillcolor: 'rgba(138,143,152,0.25)',
        showlegend: false,
        hoverinfo: 'skip',
      });
    }
    patents.forEach((hit, i) => {
      markerTraces.set(hit.applicationNumber, [...(markerTraces.get(hit.applicationNumber) ?? []), data.length]);
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: hit.applicationNumber,
        x: [hit.evaluation.tech6t],
        y: [hit.evaluation[index.evaluation]],
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        marker: { size: 11, color: PALETTE[i % PALETTE.length], line: { width: 1, color: '#fff' } },
        showlegend: false,
        hovertemplate: `${index.short} %{y}<extra>%{fullData.name}</extra>`,
      });
    });
  });
  const rows = Math.ceil(INDICES.length / columns);
  const layout: Record<string, unknown> = {
    grid: { rows, columns, pattern: 'independent', ygap: 0.35, xgap: 0.25 },
    hovermode: 'closest',
    margin: { t: 28, r: 8, b: 28, l: 40 },
    height: rows * 240,
    font: AXIS_FONT,
    violinmode: 'overlay',
    annotations: INDICES.map((index, k) => ({
      text: index.short,
      showarrow: false,
      xref: `x${k === 0 ? '' : k + 1} domain`,
      yref: `y${k === 0 ? '' : k + 1} domain`,
      x: 0.5,
      y: 1.12,
      font: { size: 13 },
    })),
  };
  INDICES.forEach((_, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    layout[`xaxis${axis}`] = { fixedrange: true, type: 'category' };
    layout[`yaxis${axis}`] = { fixedrange: true };
  });
  return { data, layout, markerTraces };
}

/**
 * Marker styles that make one patent stand out (or reset all when `highlighted` is null), as a
 * Plotly restyle update over `traces`.
 */
export function highlightUpdate(markerTraces: ReadonlyMap<string, number[]>, highlighted: string | null) {
  const traces: number[] = [];
  const size: number[] = [];
  const opacity: number[] = [];
  const lineWidth: number[] = [];
  const lineColor: string[] = [];
  for (const [applicationNumber, indices] of markerTraces) {
    const isHighlighted = applicationNumber === highlighted;
    for (const trace of indices) {
      traces.push(trace);
      size.push(isHighlighted ? 20 : 11);
      opacity.push(highlighted === null || isHighlighted ? 1 : 0.3);
      lineWidth.push(isHighlighted ? 3 : 1);
      lineColor.push(isHighlighted ? '#111' : '#fff');
    }
  }
  return {
    traces,
    update: { 'marker.size': size, 'marker.opacity': opacity, 'marker.line.width': lineWidth, 'marker.line.color': lineColor },
  };
}
