/**
 * A run's steps as its event log tells them (what Dagster's run page draws as its Gantt chart):
 * for each step key, its attempts (a retry starts a new one) with start, end and outcome. The
 * control plane computes it from the step lifecycle events alone (`GET /api/runs/:id/steps`), so
 * the run page draws its timeline without reading a 10,000-event log; the derivation is pure and
 * lives here so its rules are tested once.
 */
import { z } from "zod";
import { ErrorEventDataSchema, type EventType, type StoredEvent, StoredEventSchema } from "./events";

export const AttemptOutcomeSchema = z.enum(["running", "success", "failure", "retry", "skipped", "canceled"]);
export type AttemptOutcome = z.infer<typeof AttemptOutcomeSchema>;
export const StepAttemptSchema = z.object({
  start: z.number().int(),
  /** null while the attempt runs. */
  end: z.number().int().nullable(),
  outcome: AttemptOutcomeSchema,
});
export type StepAttempt = z.infer<typeof StepAttemptSchema>;
export const StepRowSchema = z.object({
  key: z.string(),
  attempts: z.array(StepAttemptSchema),
  outcome: AttemptOutcomeSchema,
});
export type StepRow = z.infer<typeof StepRowSchema>;

/** The events that start or end a step attempt: all the summary reads. */
export const STEP_LIFECYCLE_TYPES = [
  "STEP_START",
  "STEP_RESTARTED",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_UP_FOR_RETRY",
  "STEP_SKIPPED",
] as const satisfies readonly EventType[];

/** The events the run page shows outside the log: failures (with their errors) and the daemons' decisions. */
export const NOTABLE_EVENT_TYPES = [
  "STEP_FAILURE",
  "RUN_FAILURE",
  "ENGINE_EVENT",
] as const satisfies readonly EventType[];
/** At most this many notable events are returned, the newest kept. */
export const MAX_NOTABLE_EVENTS = 500;

/** `GET /api/runs/:id/steps`. */
export const RunStepSummarySchema = z.object({
  steps: z.array(StepRowSchema),
  /** STEP_FAILURE, RUN_FAILURE and ENGINE_EVENT events, oldest first (the newest 500). */
  notable: z.array(StoredEventSchema),
  /** How many events the run's log holds. */
  event_count: z.number().int().nonnegative(),
});
export type RunStepSummary = z.infer<typeof RunStepSummarySchema>;

const ENDS: Partial<Record<StoredEvent["type"], AttemptOutcome>> = {
  STEP_SUCCESS: "success",
  STEP_FAILURE: "failure",
  STEP_UP_FOR_RETRY: "retry",
  STEP_SKIPPED: "skipped",
};

type LifecycleEvent = Pick<StoredEvent, "type" | "ts" | "step_key" | "data">;

/** A STEP_FAILURE that only says the run was terminated under the step (error source INTERRUPT). */
export function isInterruption(e: Pick<StoredEvent, "type" | "data">): boolean {
  if (e.type !== "STEP_FAILURE") return false;
  const data = ErrorEventDataSchema.safeParse(e.data);
  return data.success && data.data.error_source === "INTERRUPT";
}

/** `runEnd`: when the run ended, to close attempts that never reported an end (canceled). */
export function deriveSteps(events: readonly LifecycleEvent[], runEnd: number | null): StepRow[] {
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
