/**
 * Stores a batch of a run worker's events and applies the run-level ones (DESIGN.md §5.3). This is
 * the hot path of the control plane, so it is exactly one `db.batch()`: the event inserts, chunked
 * under D1's bound-parameter limit and skipping any (run, attempt, seq) already stored, followed
 * by one conditional status write per run-level event. A write whose run is not in an allowed
 * predecessor changes nothing — that is how late deliveries to a finished run are kept harmless.
 */
import type { RunWorkerEvent } from "../../protocol";
import { isTerminalStatus } from "../../protocol";
import type { Database } from "../storage/db";
import { runBatch } from "../storage/db";
import { runWorkerEventStatements } from "../storage/event-log-repo";
import { runTransitionStatement } from "../storage/runs-repo";
import { ackedThrough, statusChangesFor } from "./run-event-effects";

export type EventDelivery = { runId: string; attempt: number; events: readonly RunWorkerEvent[]; now: number };

export async function ingestRunEvents(db: Database, delivery: EventDelivery): Promise<number> {
  const { runId, attempt, events, now } = delivery;
  const statements = [
    ...runWorkerEventStatements(db, runId, attempt, events),
    ...statusChangesFor(events).map((change) => runTransitionStatement(db, { runId, attempt, now, ...change })),
  ];
  await runBatch(db, statements);
  return ackedThrough(events);
}

/** Whether the batch carries a run-level event that ends the run: the run coordinator must then be told (notifyRunsEnded). */
export function endsRun(events: readonly RunWorkerEvent[]): boolean {
  return statusChangesFor(events).some((change) => isTerminalStatus(change.to));
}
