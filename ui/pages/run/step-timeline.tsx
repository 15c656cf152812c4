/**
 * The step timeline: a Gantt chart of the run's steps over time. Each attempt is a bar (a retry
 * shows as a second bar on the same row); colour says how it ended; a running bar grows live.
 * Clicking a step filters the event log to it.
 */
import { formatClock, formatDuration, now } from "../../lib/time";
import type { StepRow } from "./steps";

type Props = {
  steps: StepRow[];
  start: number | null;
  end: number | null;
  selectedStep: string | null;
  onSelect: (step: string | null) => void;
};

const OUTCOME_LABEL = {
  running: "running",
  success: "succeeded",
  failure: "failed",
  retry: "up for retry",
  skipped: "skipped",
  canceled: "canceled",
} as const;

export function StepTimeline({ steps, start, end, selectedStep, onSelect }: Props) {
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
  const pct = (t: number) => `${(100 * (t - t0)) / span}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div class="gantt" data-testid="gantt">
      <div class="gantt-axis">
        <div class="gantt-label" />
        <div class="gantt-track">
          {ticks.map((f) => (
            <span key={f} class="gantt-tick" style={{ left: `${f * 100}%` }}>
              {f === 0 ? formatClock(t0) : `+${formatDuration(f * span)}`}
            </span>
          ))}
        </div>
      </div>
      {steps.map((step) => (
        <button
          key={step.key}
          type="button"
          class={`gantt-row${selectedStep === step.key ? " selected" : ""}`}
          data-testid="gantt-step"
          data-step={step.key}
          data-outcome={step.outcome}
          aria-pressed={selectedStep === step.key}
          title={`Show the events of ${step.key}`}
          onClick={() => onSelect(selectedStep === step.key ? null : step.key)}
        >
          <span class="gantt-label mono">{step.key}</span>
          <span class="gantt-track">
            {step.attempts.map((a, i) => {
              const stop = a.end ?? now.value;
              return (
                <span
                  key={i}
                  class={`gantt-bar out-${a.outcome}`}
                  style={{ left: pct(a.start), width: `max(3px, ${(100 * (stop - a.start)) / span}%)` }}
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
      ))}
    </div>
  );
}
