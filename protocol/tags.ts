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
} as const;

/** Tag keys and values are short strings; these bounds keep one run's tags from bloating storage. */
export const MAX_TAG_KEY_LENGTH = 256;
export const MAX_TAG_VALUE_LENGTH = 4096;
