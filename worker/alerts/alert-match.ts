/**
 * Which alert policies an event alerts, as pure decisions (Dagster+'s alert policy targeting: an
 * event kind, then filters by code location, job and tags). Storage and delivery live elsewhere;
 * these functions only say yes, no, or "not yet".
 */
import type { AlertEvent, AlertFilters, AlertPolicy, Run, RunStatus } from "../../protocol";

/**
 * The run tag that says whether run retries will retry a failed run. Dagster sets
 * `dagster/will_retry` to "true" or "false" when it stores a run's failure with run retries on
 * (`DagsterInstance.handle_new_event` → `_should_retry_run`), and its run-failure alerting skips
 * "true". Read here when a run carries it; run retries' stored decision stands in when it does not.
 */
export const WILL_RETRY_TAG = "flightdeck/will_retry";

const END_EVENTS: Partial<Record<RunStatus, AlertEvent>> = {
  SUCCESS: "RUN_SUCCESS",
  FAILURE: "RUN_FAILURE",
  CANCELED: "RUN_CANCELED",
};

/** The alert event of a run's terminal status; null for a status that is not an end. */
export function runEndEvent(status: RunStatus): AlertEvent | null {
  return END_EVENTS[status] ?? null;
}

/** Every filter must hold; an empty list or map filters nothing. */
export function matchesFilters(filters: AlertFilters, run: Pick<Run, "location" | "job" | "tags">): boolean {
  if (filters.locations.length > 0 && !filters.locations.includes(run.location)) return false;
  if (filters.jobs.length > 0 && !filters.jobs.includes(run.job)) return false;
  return Object.entries(filters.tags).every(([key, value]) => run.tags[key] === value);
}

/**
 * Whether a failed run will be retried: true or false once known, null while run retries have not
 * decided yet. The `flightdeck/will_retry` tag wins when present; otherwise the retry daemon's
 * stored decision; with retries off nothing will ever retry it.
 */
export function willRetry(
  run: Pick<Run, "status" | "tags">,
  retryDecision: "RETRY" | "NO_RETRY" | "ERROR" | null,
  retriesEnabled: boolean,
): boolean | null {
  if (run.status !== "FAILURE") return false;
  const tagged = run.tags[WILL_RETRY_TAG];
  if (tagged === "true") return true;
  if (tagged === "false") return false;
  if (retryDecision !== null) return retryDecision === "RETRY";
  return retriesEnabled ? null : false;
}

export type RunEndDecision = "alert" | "skip" | "wait";

/**
 * One policy and one ended run: alert, skip, or wait — a policy that skips retried failures must
 * wait for run retries' decision, and is asked again once it is made.
 */
export function decideRunEndAlert(
  policy: Pick<AlertPolicy, "enabled" | "events" | "filters" | "skip_if_will_retry">,
  run: Pick<Run, "status" | "location" | "job" | "tags">,
  retrying: boolean | null,
): RunEndDecision {
  const event = runEndEvent(run.status);
  if (!policy.enabled || event === null || !policy.events.includes(event)) return "skip";
  if (!matchesFilters(policy.filters, run)) return "skip";
  if (event === "RUN_FAILURE" && policy.skip_if_will_retry) {
    if (retrying === null) return "wait";
    if (retrying) return "skip";
  }
  return "alert";
}

const MINUTE_MS = 60_000;

/**
 * The overdue alerts one policy raises for one run at `now`: RUN_LONG_RUNNING once the run has
 * been STARTED (or CANCELING) longer than the threshold since it started, RUN_LONG_QUEUED once it
 * has waited in QUEUED longer than the threshold since it was submitted.
 */
export function overdueEvents(
  policy: Pick<AlertPolicy, "enabled" | "events" | "filters" | "long_running_minutes" | "long_queued_minutes">,
  run: Pick<Run, "status" | "location" | "job" | "tags" | "created_at" | "started_at">,
  now: number,
): AlertEvent[] {
  if (!policy.enabled || !matchesFilters(policy.filters, run)) return [];
  const events: AlertEvent[] = [];
  const running = run.status === "STARTED" || run.status === "CANCELING";
  if (
    running &&
    policy.events.includes("RUN_LONG_RUNNING") &&
    policy.long_running_minutes !== null &&
    run.started_at !== null &&
    now - run.started_at > policy.long_running_minutes * MINUTE_MS
  ) {
    events.push("RUN_LONG_RUNNING");
  }
  if (
    run.status === "QUEUED" &&
    policy.events.includes("RUN_LONG_QUEUED") &&
    policy.long_queued_minutes !== null &&
    now - run.created_at > policy.long_queued_minutes * MINUTE_MS
  ) {
    events.push("RUN_LONG_QUEUED");
  }
  return events;
}

/** The smallest threshold among enabled policies for an overdue event, in ms; null when none watches it. */
export function smallestThresholdMs(policies: readonly AlertPolicy[], event: "RUN_LONG_RUNNING" | "RUN_LONG_QUEUED") {
  const minutes = policies
    .filter((p) => p.enabled && p.events.includes(event))
    .map((p) => (event === "RUN_LONG_RUNNING" ? p.long_running_minutes : p.long_queued_minutes))
    .filter((m): m is number => m !== null);
  return minutes.length === 0 ? null : Math.min(...minutes) * MINUTE_MS;
}
