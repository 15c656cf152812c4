/**
 * What the run coordinator does after one launch attempt, as a pure function: Dagster's rule for a
 * failed launch (QueuedRunCoordinatorDaemon `_dequeue_run`, dagster/_daemon/run_coordinator/
 * queued_run_coordinator_daemon.py):
 *
 * - the code location server answered an error: "an unrecoverable error while dequeuing the run",
 *   the run fails at once;
 * - it could not be reached (`DagsterUserCodeUnreachableError`; here: connection refused or reset,
 *   a timeout, 502/503/504 — launcher/signed-fetch.ts) and `max_user_code_failure_retries` is not
 *   0: the location's runs are not dequeued for `user_code_failure_retry_delay` seconds
 *   (`self._location_timeouts[location_name] = now + user_code_failure_retry_delay`), and the run
 *   is re-submitted into the queue — unless the retries so far, counted as its RUN_ENQUEUED events
 *   less one (`num_retries_so_far = len(enqueue_event_records) - 1`), reached the maximum; then it
 *   fails. With 0 (Dagster's default) an unreachable server fails the run at once too, and no
 *   location is paused.
 *
 * A run back in the queue keeps its place: launch order is priority, then the time it was first
 * enqueued (queue/queue-policy.ts), which a re-submit does not change — as in Dagster, whose queue
 * is in run creation order.
 */
import type { Run, RunCoordinatorConfig, RunStatus } from "../../protocol";
import { IN_PROGRESS_STATUSES } from "../../protocol";

/** What a launch attempt came to (launch-dispatch.ts `LaunchAttemptResult`). */
export type LaunchAttemptOutcome =
  | { readonly kind: "launched" }
  /** The claim found the run in another status: someone else decided. */
  | { readonly kind: "not_ours"; readonly status: RunStatus | null }
  | {
      readonly kind: "failed";
      readonly run: Run;
      readonly reason: string;
      /** The server could not be reached, as opposed to answering an error. */
      readonly unreachable: boolean;
      /** The run's RUN_ENQUEUED events so far (read only for an unreachable server; else 1). */
      readonly enqueues: number;
    };

/** The pause of a code location's launches after it could not be reached. */
export type LocationPauseRequest = { readonly location: string; readonly until: number; readonly reason: string };

export type LaunchOutcomeDecision =
  /** The run worker is starting: the run keeps its slot; its location, if paused, is reachable again. */
  | { readonly kind: "launched" }
  /**
   * The run was not the object's to launch. It keeps its slot while D1 has it in progress (a
   * launch re-sent after a restart finds it STARTING or STARTED); otherwise the slot is freed.
   */
  | { readonly kind: "not_ours"; readonly free: boolean }
  /** Back to QUEUED, keeping its place; `retriesLeft` counts this one, as Dagster's message does. */
  | {
      readonly kind: "requeue";
      readonly run: Run;
      readonly message: string;
      readonly retriesLeft: number;
      readonly pause: LocationPauseRequest;
    }
  | { readonly kind: "fail"; readonly run: Run; readonly message: string; readonly pause: LocationPauseRequest | null };

export type LaunchRetrySettings = Pick<
  RunCoordinatorConfig,
  "max_user_code_failure_retries" | "user_code_failure_retry_delay"
>;

const isInProgress = (status: RunStatus | null) =>
  status !== null && (IN_PROGRESS_STATUSES as readonly RunStatus[]).includes(status);

export function decideLaunchOutcome(
  outcome: LaunchAttemptOutcome,
  settings: LaunchRetrySettings,
  now: number,
): LaunchOutcomeDecision {
  if (outcome.kind === "launched") return { kind: "launched" };
  if (outcome.kind === "not_ours") return { kind: "not_ours", free: !isInProgress(outcome.status) };
  const { run, reason } = outcome;
  const max = settings.max_user_code_failure_retries;
  if (!outcome.unreachable || max === 0) {
    const why = outcome.unreachable
      ? `the code location server could not be reached (${reason}), and max_user_code_failure_retries is 0`
      : reason;
    return { kind: "fail", run, message: `Run launch failed: ${why}.`, pause: null };
  }
  const pause = { location: run.location, until: now + settings.user_code_failure_retry_delay * 1000, reason };
  const retriesSoFar = Math.max(0, outcome.enqueues - 1);
  if (retriesSoFar >= max) {
    const attempts = max + 1;
    return {
      kind: "fail",
      run,
      message: `Run launch failed: the code location server could not be reached in ${attempts} attempts (max_user_code_failure_retries is ${max}); last: ${reason}.`,
      pause,
    };
  }
  const retriesLeft = max - retriesSoFar;
  const retries = `${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} remaining`;
  return {
    kind: "requeue",
    run,
    retriesLeft,
    pause,
    message: `Could not reach the code location server of ${run.location} (${reason}); the run is back in the queue, in its place, and ${run.location}'s runs wait ${settings.user_code_failure_retry_delay} s before the next try (${retries}).`,
  };
}
