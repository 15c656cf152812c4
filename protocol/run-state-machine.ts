/**
 * The run state machine (DESIGN.md §3), Dagster's DagsterRunStatus transitions. This table is the
 * only authority on how `runs.status` may change: every writer turns it into a conditional write
 * (`UPDATE runs SET status = ? WHERE id = ? AND status IN (allowedPredecessors(to))`), and a
 * write that changes no row lost a race and must not act on the transition.
 *
 * Deviation from the diagram in DESIGN.md §3, on purpose: CANCELING may also end in SUCCESS or
 * FAILURE. A terminate can cross the run's own end on the wire; when the run worker reports that
 * the run finished anyway, the truth wins over the request. STARTING may go back to QUEUED, as in
 * Dagster, when the launch could not reach the code location. Terminal statuses never change.
 */

import type { RunStatus } from "./run";
import { RunStatusSchema } from "./run";

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  NOT_STARTED: ["STARTING", "CANCELED"],
  QUEUED: ["STARTING", "CANCELED"],
  // STARTING → QUEUED: a launch that could not reach its code location goes back to the queue
  // (Dagster's QueuedRunCoordinatorDaemon re-submits it with a new RUN_ENQUEUED event).
  STARTING: ["QUEUED", "STARTED", "FAILURE", "CANCELING"],
  STARTED: ["SUCCESS", "FAILURE", "CANCELING"],
  CANCELING: ["CANCELED", "SUCCESS", "FAILURE"],
  SUCCESS: [],
  FAILURE: [],
  CANCELED: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a run may be in for a move to `to`: the `IN (...)` of a conditional write. */
export function allowedPredecessors(to: RunStatus): RunStatus[] {
  return RunStatusSchema.options.filter((from) => canTransition(from, to));
}
