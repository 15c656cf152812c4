/**
 * The step timeline: a zoomable Gantt chart of the run's steps over time (Dagster's run page
 * chart). Each attempt is a bar (a retry shows as a second bar on the same row); colour says how
 * it ended; a running bar grows live. Zoom and pan with the buttons, with Ctrl + mouse wheel
 * (zoom at the pointer) and Shift + wheel (pan), or from the keyboard on the focused chart: + and −
 * zoom, ← and → pan, 0 shows the whole run (gantt-view.ts holds the rules). Clicking a step filters
 * the event log to it; when the run has finished, each step has a checkbox to choose it for a
 * re-execution of selected steps.
 */
import { useSignal } from "@preact/signals";
import type { JSX } from "preact";
import type { StepRow } from "../../../protocol/step-summary";
import { formatClock, formatDuration, now } from "../../lib/time";
import "./gantt.css";
import { FULL_VIEW, type GanttView, isZoomed, PAN_STEP, panView, positionIn, ZOOM_STEP, zoomView } from "./gantt-view";

type Props = {
  steps: StepRow[];
  start: number | null;
  end: number | null;
  selectedStep: string | null;
  onSelect: (step: string | null) => void;
  /** Steps chosen for re-execution; null when the run cannot be re-executed (not finished). */
  chosen: ReadonlySet<string> | null;
  onChoose: (step: string, on: boolean) => void;
};

const OUTCOME_LABEL = {
  running: "running",
  success: "succeeded",
  failure: "failed",
  retry: "up for retry",
  skipped: "skipped",
  canceled: "canceled",
} as const;

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function StepTimeline({ steps, start, end, selectedStep, onSelect, chosen, onChoose }: Props) {
  const view = useSignal<GanttView>(FULL_VIEW);
  if (steps.length === 0) {
    return (
      <div class="muted small" data-testid="gantt-empty">
        No step has started yet.
      </div>
    );
  }
  const t0 = start ?? Math.min(...steps.map((s) => s.attempts[0]?.start ?? Number.POSITIVE_INFINITY));
  const t1 = Math.max(end ?? now.value, ...steps.flatMap((s) => s.attempts.map((a) => a.end ?? now.value)));
  const span = Math.max(1, t1 - t0);
  const v = view.value;
  const at = (t: number) => positionIn(v, t0, span, t) * 100;
  const zoom = (factor: number, anchor?: number) => {
    view.value = zoomView(view.value, factor, anchor);
  };
  const pan = (windows: number) => {
    view.value = panView(view.value, windows);
  };
  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    const act: Record<string, () => void> = {
      "+": () => zoom(ZOOM_STEP),
      "=": () => zoom(ZOOM_STEP),
      "-": () => zoom(1 / ZOOM_STEP),
      "0": () => {
        view.value = FULL_VIEW;
      },
      ArrowLeft: () => pan(-PAN_STEP),
      ArrowRight: () => pan(PAN_STEP),
    };
    const run = act[e.key];
    if (!run || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    run();
  };
  const onWheel = (e: JSX.TargetedWheelEvent<HTMLDivElement>) => {
    const track = e.currentTarget.querySelector(".gantt-axis .gantt-track")?.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      const anchor = track && track.width > 0 ? Math.min(1, Math.max(0, (e.clientX - track.left) / track.width)) : 0.5;
      zoom(e.deltaY < 0 ? 1.25 : 1 / 1.25, anchor);
    } else if (isZoomed(view.value) && (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))) {
      e.preventDefault();
      const delta = e.shiftKey ? e.deltaY : e.deltaX;
      pan((delta > 0 ? 1 : -1) * 0.1);
    }
  };
  const selectable = chosen !== null;
  return (
    <div class={`gantt${selectable ? " gantt-selectable" : ""}`} data-testid="gantt">
      <div class="gantt-controls" role="toolbar" aria-label="Timeline zoom">
        <button
          type="button"
          class="btn btn-small"
          data-testid="gantt-zoom-out"
          disabled={!isZoomed(v)}
          onClick={() => zoom(1 / ZOOM_STEP)}
        >
          <span aria-hidden="true">−</span> Zoom out
        </button>
        <button type="button" class="btn btn-small" data-testid="gantt-zoom-in" onClick={() => zoom(ZOOM_STEP)}>
          <span aria-hidden="true">+</span> Zoom in
        </button>
        <button
          type="button"
          class="btn btn-small"
          aria-label="Earlier"
          disabled={v.from <= 0}
          onClick={() => pan(-PAN_STEP)}
        >
          ←
        </button>
        <button
          type="button"
          class="btn btn-small"
          aria-label="Later"
          disabled={v.from + v.width >= 1}
          onClick={() => pan(PAN_STEP)}
        >
          →
        </button>
        <button
          type="button"
          class="btn btn-small"
          data-testid="gantt-fit"
          disabled={!isZoomed(v)}
          onClick={() => (view.value = FULL_VIEW)}
        >
          Whole run
        </button>
        <span class="muted small" data-testid="gantt-window" aria-live="polite">
          {isZoomed(v)
            ? `Showing ${formatDuration(v.width * span)} from +${formatDuration(v.from * span)}`
            : `Whole run, ${formatDuration(span)}`}
        </span>
      </div>
      <section
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart takes focus so its zoom and pan keys work (WCAG 2.1.1).
        tabIndex={0}
        class="gantt-chart"
        aria-label="Step timeline: + and − zoom, ← and → pan, 0 shows the whole run; Ctrl + wheel zooms"
        data-testid="gantt-chart"
        data-from={v.from.toFixed(4)}
        data-width={v.width.toFixed(4)}
        onKeyDown={onKeyDown}
        onWheel={onWheel}
      >
        <div class="gantt-line">
          {selectable ? <span class="gantt-choose" /> : null}
          <div class="gantt-axis">
            <div class="gantt-label" />
            <div class="gantt-track">
              {TICKS.map((f) => {
                const t = t0 + (v.from + f * v.width) * span;
                return (
                  <span key={f} class="gantt-tick" style={{ left: `${f * 100}%` }}>
                    {f === 0 && !isZoomed(v) ? formatClock(t0) : `+${formatDuration(t - t0)}`}
                  </span>
                );
              })}
            </div>
            <div />
          </div>
        </div>
        {steps.map((step) => (
          <div key={step.key} class={`gantt-line${selectedStep === step.key ? " selected" : ""}`}>
            {selectable ? (
              <input
                type="checkbox"
                class="gantt-choose"
                checked={chosen.has(step.key)}
                aria-label={`Choose ${step.key} to re-execute`}
                data-testid="gantt-choose"
                data-step={step.key}
                onChange={(e) => onChoose(step.key, e.currentTarget.checked)}
              />
            ) : null}
            <button
              type="button"
              class="gantt-row"
              data-testid="gantt-step"
              data-step={step.key}
              data-outcome={step.outcome}
              aria-pressed={selectedStep === step.key}
              title={`Show the events of ${step.key}`}
              onClick={() => onSelect(selectedStep === step.key ? null : step.key)}
            >
              <span class="gantt-label mono">{step.key}</span>
              <span class="gantt-track gantt-clip">
                {step.attempts.map((a, i) => {
                  const stop = a.end ?? now.value;
                  const left = at(a.start);
                  const right = at(stop);
                  if (right < 0 || left > 100) return null;
                  return (
                    <span
                      key={i}
                      class={`gantt-bar out-${a.outcome}`}
                      data-testid="gantt-bar"
                      style={{ left: `${left}%`, width: `max(3px, ${right - left}%)` }}
                      title={`${step.key}, attempt ${i + 1}: ${OUTCOME_LABEL[a.outcome]} after ${formatDuration(stop - a.start)}`}
                    />
                  );
                })}
              </span>
              <span class="gantt-meta">
                {step.attempts.length > 1 ? <span class="pill pill-warn">{step.attempts.length} attempts</span> : null}
                <span class={`out-label lbl-${step.outcome}`}>{OUTCOME_LABEL[step.outcome]}</span>
              </span>
            </button>
          </div>
        ))}
      </section>
    </div>
  );
}
