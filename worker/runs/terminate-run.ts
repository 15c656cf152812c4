/**
 * Terminating a run (Dagster's `terminate` → run coordinator `cancel_run` → run launcher
 * `terminate`). A run that has not started is canceled on the spot; a starting or started one
 * moves to CANCELING and its code location server is asked to stop the run worker, which then
 * reports RUN_CANCELED. If the server cannot be reached the run stays CANCELING: run monitoring
 * (daemon/monitoring-policy.ts) finishes it after the cancel timeout. Asking again re-sends the request.
 */
import type { Run, RunStatus } from "../../protocol";
import { ConflictError, NotFoundError } from "../errors";
import { appendControlPlaneEvent } from "../storage/event-log-repo";
import { getRun, transitionRun } from "../storage/runs-repo";
import type { RunDeps } from "./run-deps";

export type TerminationDecision =
  /** Not started: straight to CANCELED. */
  | { kind: "cancel_now" }
  /** Starting or started: CANCELING, then ask the run worker to stop. */
  | { kind: "request_cancel" }
  /** Already CANCELING: ask again; the status stays. */
  | { kind: "resend_request" }
  /** Finished: nothing to terminate. */
  | { kind: "reject" };

export function decideTermination(status: RunStatus): TerminationDecision {
  switch (status) {
    case "NOT_STARTED":
    case "QUEUED":
      return { kind: "cancel_now" };
    case "STARTING":
    case "STARTED":
      return { kind: "request_cancel" };
    case "CANCELING":
      return { kind: "resend_request" };
    case "SUCCESS":
    case "FAILURE":
    case "CANCELED":
      return { kind: "reject" };
  }
}

/** A status that changes under us this often is being fought over; the caller may simply retry. */
const MAX_TRIES = 3;

export async function terminateRun(deps: RunDeps, runId: string): Promise<Run> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const run = await getRun(deps.db, runId);
    if (!run) throw new NotFoundError("run_not_found", `There is no run with id ${runId}.`);
    const decision = decideTermination(run.status);
    const now = deps.now();
    const event = { runId, attempt: run.attempt, ts: now, level: "INFO" as const };
    switch (decision.kind) {
      case "reject":
        throw new ConflictError(
          "invalid_transition",
          `Run ${runId} is already ${run.status}; a finished run cannot be terminated.`,
        );
      case "cancel_now": {
        const done = await transitionRun(
          deps.db,
          { runId, to: "CANCELED", from: [run.status], now, endedAt: now },
          { ...event, type: "RUN_CANCELED", message: `Run canceled while ${run.status}; it never started.` },
        );
        if (done) return mustGet(deps, runId);
        break; // it moved on meanwhile: decide again on what it is now
      }
      case "request_cancel": {
        const done = await transitionRun(
          deps.db,
          { runId, to: "CANCELING", from: [run.status], now },
          { ...event, type: "RUN_CANCELING", message: "Terminate requested; asking the run worker to stop." },
        );
        if (!done) break;
        await requestTermination(deps, { ...run, status: "CANCELING" });
        return mustGet(deps, runId);
      }
      case "resend_request":
        await requestTermination(deps, run);
        return mustGet(deps, runId);
    }
  }
  throw new ConflictError("invalid_transition", `Run ${runId} kept changing status while being terminated; try again.`);
}

async function requestTermination(deps: RunDeps, run: Run): Promise<void> {
  const outcome = await deps.launcher.terminateRun(run);
  if (outcome.ok) return;
  await appendControlPlaneEvent(deps.db, {
    runId: run.id,
    attempt: run.attempt,
    type: "ENGINE_EVENT",
    ts: deps.now(),
    level: "ERROR",
    message: `Could not ask the code location server to terminate the run: ${outcome.reason}. The run stays CANCELING until run monitoring ends it.`,
    data: { reason: outcome.reason },
  });
}

async function mustGet(deps: RunDeps, runId: string): Promise<Run> {
  const run = await getRun(deps.db, runId);
  if (!run) throw new NotFoundError("run_not_found", `Run ${runId} was deleted while being terminated.`);
  return run;
}
