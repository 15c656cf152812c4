/**
 * A run's steps as its event log tells them: for each step key, its attempts (a retry starts a
 * new one) with start, end and outcome. Pure, so the Gantt chart is a plain function of events.
 */
import { ErrorEventDataSchema, type StoredEvent } from "../../../protocol/events";

export type AttemptOutcome = "running" | "success" | "failure" | "retry" | "skipped" | "canceled";
export type StepAttempt = { start: number; end: number | null; outcome: AttemptOutcome };
export type StepRow = { key: string; attempts: StepAttempt[]; outcome: AttemptOutcome };

const ENDS: Partial<Record<StoredEvent["type"], AttemptOutcome>> = {
  STEP_SUCCESS: "success",
  STEP_FAILURE: "failure",
  STEP_UP_FOR_RETRY: "retry",
  STEP_SKIPPED: "skipped",
};

/** A STEP_FAILURE that only says the run was terminated under the step (error source INTERRUPT). */
export function isInterruption(e: StoredEvent): boolean {
  if (e.type !== "STEP_FAILURE") return false;
  const data = ErrorEventDataSchema.safeParse(e.data);
  return data.success && data.data.error_source === "INTERRUPT";
}

/** `runEnd`: when the run ended, to close attempts that never reported an end (canceled). */
export function deriveSteps(events: readonly StoredEvent[], runEnd: number | null): StepRow[] {
  const rows = new Map<string, StepRow>();
  const rowFor = (key: string) => {
    let row = rows.get(key);
    if (!row) {
      row = { key, attempts: [], outcome: "running" };
      rows.set(key, row);
    }
    return row;
  };
  for (const e of events) {
    if (!e.step_key) continue;
    const row = rowFor(e.step_key);
    const open = row.attempts.at(-1);
    if (e.type === "STEP_START" || e.type === "STEP_RESTARTED") {
      if (open && open.end === null) open.end = e.ts;
      row.attempts.push({ start: e.ts, end: null, outcome: "running" });
      row.outcome = "running";
      continue;
    }
    const outcome = isInterruption(e) ? "canceled" : ENDS[e.type];
    if (!outcome) continue;
    if (outcome === "skipped" && (!open || open.end !== null)) {
      row.attempts.push({ start: e.ts, end: e.ts, outcome });
    } else if (open && open.end === null) {
      open.end = e.ts;
      open.outcome = outcome;
    }
    row.outcome = outcome;
  }
  for (const row of rows.values()) {
    const open = row.attempts.at(-1);
    if (open && open.end === null && runEnd !== null) {
      open.end = runEnd;
      open.outcome = "canceled";
      row.outcome = "canceled";
    }
  }
  // Drop rows that only logged (no STEP_START): they have nothing to draw.
  return [...rows.values()]
    .filter((r) => r.attempts.length > 0)
    .sort((a, b) => (a.attempts[0]?.start ?? 0) - (b.attempts[0]?.start ?? 0));
}
