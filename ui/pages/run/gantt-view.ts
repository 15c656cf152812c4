/**
 * The visible window of the step Gantt chart, as fractions of the run's span: `from` (left edge)
 * and `width` (1 = the whole run). Zooming keeps the point under the pointer (or the centre) in
 * place; panning moves by a share of the window; both stay inside the run. Pure, so the chart's
 * mouse-wheel, button and keyboard controls share one tested set of rules.
 */
export type GanttView = { from: number; width: number };

export const FULL_VIEW: GanttView = { from: 0, width: 1 };
/** The deepest zoom: 1/256 of the run across the chart. */
export const MIN_WIDTH = 1 / 256;
export const ZOOM_STEP = 2;
export const PAN_STEP = 0.25;

/** Inside the run whatever came in: a NaN (a pointer over a chart of no width) keeps the old value. */
const finiteOr = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);

const clamp = (v: GanttView, old: GanttView): GanttView => {
  const width = Math.min(1, Math.max(MIN_WIDTH, finiteOr(v.width, old.width)));
  return { width, from: Math.min(1 - width, Math.max(0, finiteOr(v.from, old.from))) };
};

/** Zoom by `factor` (> 1 zooms in) around `anchor`, a 0–1 position across the visible window. */
export function zoomView(view: GanttView, factor: number, anchor = 0.5): GanttView {
  const a = finiteOr(anchor, 0.5);
  const at = view.from + a * view.width;
  const width = Math.min(1, Math.max(MIN_WIDTH, view.width / factor));
  return clamp({ width, from: at - a * width }, view);
}

/** Pan by `windows` widths of the visible window (negative: earlier). */
export function panView(view: GanttView, windows: number): GanttView {
  return clamp({ ...view, from: view.from + windows * view.width }, view);
}

/** Where time `t` falls across the visible window, 0–1 inside it (outside: before or after). */
export function positionIn(view: GanttView, t0: number, span: number, t: number): number {
  return ((t - t0) / span - view.from) / view.width;
}

export function isZoomed(view: GanttView): boolean {
  return view.width < 1;
}
