/**
 * Tags with meaning to the system (DESIGN.md §4): Dagster's `dagster/` tags, under `flightdeck/`.
 * RESERVED_TAGS is the one table of them — each tag's type, and whether a user may set it — so
 * the `flightdeck/` prefix accepts only the tags listed here, each with a value of its type. Add a
 * tag by adding a row.
 */
import { z } from "zod";

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
  /**
   * Who launched the run: the id of the API token (or of the token a dashboard session was made
   * from), or `admin` for the admin token — Dagster+'s `dagster/user`. A launcher may reorder only
   * queued runs whose tag names its own token.
   */
  user: "flightdeck/user",
  /** Written by run retries on a failed run: "true" when a retry is coming, so the failure is not final. */
  willRetry: "flightdeck/will_retry",
  /** Written with will_retry: why the run failed (RunFailureReason). */
  failureReason: "flightdeck/failure_reason",
  /** Per run, overrides the instance's `run_retries.retry_on_asset_or_op_failure`. */
  retryOnAssetOrOpFailure: "flightdeck/retry_on_asset_or_op_failure",
} as const;

export type ReservedTag = (typeof TAG)[keyof typeof TAG];

/** Tag keys and values are short strings; these bounds keep one run's tags from bloating storage. */
export const MAX_TAG_KEY_LENGTH = 256;
export const MAX_TAG_VALUE_LENGTH = 4096;

const wholeNumber = z.string().regex(/^\d+$/, 'must be a whole number ≥ 0, like "3"');
const positiveSeconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds > 0, like "3600"')
  .refine((v) => Number(v) > 0, 'must be a number of seconds > 0, like "3600"');
const bool = z.enum(["true", "false"], { error: 'must be "true" or "false"' });

/**
 * Each reserved tag: `user` when a submit may set it, `system` when only Flightdeck sets it (a run's
 * lineage, what launched it, the daemon's retry bookkeeping) — a submit naming a system tag would
 * forge that history.
 */
export const RESERVED_TAGS: Record<ReservedTag, { setBy: "user" | "system"; value: z.ZodType<string> }> = {
  // Dagster's rule for dagster/priority: a value that is not an integer counts as 0 (with a
  // warning) and the run still launches, so any string passes here.
  [TAG.priority]: { setBy: "user", value: z.string() },
  [TAG.maxRetries]: { setBy: "user", value: wholeNumber },
  [TAG.retryStrategy]: {
    setBy: "user",
    value: z.enum(["FROM_FAILURE", "ALL_STEPS"], { error: 'must be "FROM_FAILURE" or "ALL_STEPS"' }),
  },
  [TAG.retryOnAssetOrOpFailure]: { setBy: "user", value: bool },
  [TAG.maxRuntime]: { setBy: "user", value: positiveSeconds },
  [TAG.retryNumber]: { setBy: "system", value: wholeNumber },
  [TAG.willRetry]: { setBy: "system", value: bool },
  [TAG.failureReason]: { setBy: "system", value: z.string() },
  [TAG.schedule]: { setBy: "system", value: z.string() },
  [TAG.sensor]: { setBy: "system", value: z.string() },
  [TAG.backfill]: { setBy: "system", value: z.string() },
  [TAG.parentRunId]: { setBy: "system", value: z.string() },
  [TAG.rootRunId]: { setBy: "system", value: z.string() },
  [TAG.user]: { setBy: "system", value: z.string() },
};

export type TagIssue = { key: string; message: string };

/** What is wrong with the `flightdeck/` tags of a submit: unknown keys, system tags, values of the wrong type. */
export function findReservedTagIssues(tags: Readonly<Record<string, string>>): TagIssue[] {
  const issues: TagIssue[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(SYSTEM_TAG_PREFIX)) continue;
    const known = (RESERVED_TAGS as Record<string, (typeof RESERVED_TAGS)[ReservedTag]>)[key];
    if (!known) {
      const names = Object.keys(RESERVED_TAGS).join(", ");
      issues.push({
        key,
        message: `is not a tag Flightdeck knows; the ${SYSTEM_TAG_PREFIX} prefix is reserved for ${names}`,
      });
    } else if (known.setBy === "system") {
      issues.push({ key, message: "is set by Flightdeck itself and cannot be given at submit" });
    } else {
      const parsed = known.value.safeParse(value);
      if (!parsed.success)
        issues.push({
          key,
          message: `${parsed.error.issues[0]?.message ?? "is not valid"}; got ${JSON.stringify(value)}`,
        });
    }
  }
  return issues;
}
