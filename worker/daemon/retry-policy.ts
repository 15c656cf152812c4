/**
 * Run retries' decision (Dagster's auto run reexecution daemon, `filter_runs_to_should_retry` and
 * `get_reexecution_strategy`): whether a failed run gets a retry, with which strategy and tags.
 * Pure; the pass in retries.ts claims the decision with a unique row before acting on it.
 *
 * - retries must be enabled on the instance (`run_retries.enabled`), as in Dagster;
 * - the budget is the `flightdeck/max_retries` tag, else the instance's `max_retries`; a retry
 *   carries `flightdeck/retry_number` n+1 and stops once n reaches the budget;
 * - `retry_on_asset_or_op_failure: false` retries only runs that failed for another reason than a
 *   step failing (a crashed run worker, a start or heartbeat timeout, a launch failure); the run's
 *   `flightdeck/retry_on_asset_or_op_failure` tag overrides the instance, read as Dagster's
 *   `get_boolean_tag_value` reads it (anything but "false", "none", "0" or "" is true);
 * - the strategy is `flightdeck/retry_strategy` (FROM_FAILURE or ALL_STEPS), else the default.
 * The decision is written onto the failed run as Dagster's tags (`decisionTags`):
 * `flightdeck/will_retry` and `flightdeck/failure_reason`, so a failure's finality is on the run.
 */
import type { InstanceConfig, ReexecutionStrategy, RunFailureReason, Tags } from "../../protocol";
import { ReexecutionStrategySchema, TAG } from "../../protocol";

export type RetriesConfig = InstanceConfig["run_retries"];

export type RetryDecision =
  | { kind: "retry"; retryNumber: number; strategy: ReexecutionStrategy; tags: Tags }
  | { kind: "no_retry"; reason: string };

function parseCount(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
}

export function decideRetry(tags: Tags, failureReason: RunFailureReason, config: RetriesConfig): RetryDecision {
  if (!config.enabled) return { kind: "no_retry", reason: "run retries are disabled on this instance" };
  const tagged = parseCount(tags[TAG.maxRetries]);
  if (Number.isNaN(tagged)) {
    return { kind: "no_retry", reason: `${TAG.maxRetries} is "${tags[TAG.maxRetries]}", not a whole number` };
  }
  const maxRetries = tagged ?? config.max_retries;
  const previous = parseCount(tags[TAG.retryNumber]);
  const retryNumber = Number.isNaN(previous) ? 0 : (previous ?? 0);
  if (retryNumber >= maxRetries) {
    return { kind: "no_retry", reason: `${retryNumber} of ${maxRetries} retries used` };
  }
  const retryOnStepFailure = readBooleanTag(tags[TAG.retryOnAssetOrOpFailure], config.retry_on_asset_or_op_failure);
  if (!retryOnStepFailure && failureReason === "STEP_FAILURE") {
    const source = tags[TAG.retryOnAssetOrOpFailure] === undefined ? "the instance's" : "the run's";
    return { kind: "no_retry", reason: `a step failed and ${source} retry_on_asset_or_op_failure is false` };
  }
  const strategy = ReexecutionStrategySchema.safeParse(tags[TAG.retryStrategy]);
  const chosen = strategy.success ? strategy.data : config.default_strategy;
  return {
    kind: "retry",
    retryNumber: retryNumber + 1,
    strategy: chosen,
    tags: { [TAG.retryNumber]: String(retryNumber + 1), [TAG.retryStrategy]: chosen },
  };
}

/** Dagster's `get_boolean_tag_value` (dagster/_utils/tags.py): false only for "false", "none", "0" and "". */
export function readBooleanTag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return !["false", "none", "0", ""].includes(value.toLowerCase());
}

/**
 * The tags a retry decision writes on the failed run, as Dagster's instance does when a run fails
 * with run retries enabled: whether it will be retried, and why it failed.
 */
export function decisionTags(decision: RetryDecision, failureReason: RunFailureReason): Tags {
  return { [TAG.willRetry]: String(decision.kind === "retry"), [TAG.failureReason]: failureReason };
}
