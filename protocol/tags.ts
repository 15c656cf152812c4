/**
 * Tags with meaning to the system (DESIGN.md §4). Dagster's `dagster/` tags, under `flightdeck/`.
 */
export const SYSTEM_TAG_PREFIX = "flightdeck/";

export const TAG = {
  priority: "flightdeck/priority",
  maxRetries: "flightdeck/max_retries",
  retryStrategy: "flightdeck/retry_strategy",
  retryNumber: "flightdeck/retry_number",
  maxRuntime: "flightdeck/max_runtime",
  schedule: "flightdeck/schedule",
  sensor: "flightdeck/sensor",
  backfill: "flightdeck/backfill",
  parentRunId: "flightdeck/parent_run_id",
  rootRunId: "flightdeck/root_run_id",
  /** Written by run retries on a failed run: "true" when a retry is coming, so the failure is not final. */
  willRetry: "flightdeck/will_retry",
  /** Written with will_retry: why the run failed (RunFailureReason). */
  failureReason: "flightdeck/failure_reason",
  /** Per run, overrides the instance's `run_retries.retry_on_asset_or_op_failure`. */
  retryOnAssetOrOpFailure: "flightdeck/retry_on_asset_or_op_failure",
} as const;

/** Tag keys and values are short strings; these bounds keep one run's tags from bloating storage. */
export const MAX_TAG_KEY_LENGTH = 256;
export const MAX_TAG_VALUE_LENGTH = 4096;
