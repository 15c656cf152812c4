/**
 * What a run worker's events do to its run (Dagster's run-level DagsterEvents updating run
 * storage): RUN_START → STARTED, RUN_SUCCESS → SUCCESS, RUN_FAILURE → FAILURE, RUN_CANCELED →
 * CANCELED, in seq order. Every other event only goes into the log. Whether a change applies is
 * left to the conditional write and the state machine, so a late or out-of-order event can never
 * move a run backwards or out of a terminal status.
 */
import type { RunStatus, RunWorkerEvent, RunWorkerEventType } from "../../protocol";

export type StatusChange = { to: RunStatus; startedAt?: number; endedAt?: number };

const STATUS_BY_EVENT: Partial<Record<RunWorkerEventType, RunStatus>> = {
  RUN_START: "STARTED",
  RUN_SUCCESS: "SUCCESS",
  RUN_FAILURE: "FAILURE",
  RUN_CANCELED: "CANCELED",
};

export function statusChangesFor(events: readonly RunWorkerEvent[]): StatusChange[] {
  return [...events]
    .sort((a, b) => a.seq - b.seq)
    .flatMap((event): StatusChange[] => {
      const to = STATUS_BY_EVENT[event.type];
      if (to === undefined) return [];
      return [to === "STARTED" ? { to, startedAt: event.ts } : { to, endedAt: event.ts }];
    });
}

/** The highest seq of a batch: everything in it is stored once the batch commits. */
export function ackedThrough(events: readonly RunWorkerEvent[]): number {
  return events.reduce((max, e) => Math.max(max, e.seq), 0);
}
