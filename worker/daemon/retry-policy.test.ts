/**
 * Run retry decisions. Cases marked "Dagster:" port the named test of
 * dagster_tests/daemon_tests/test_auto_run_reexecution.py.
 */
import { describe, expect, it } from "vitest";
import type { RunFailureReason, Tags } from "../../protocol";
import { InstanceConfigSchema } from "../../protocol";
import type { RetriesConfig, RetryDecision } from "./retry-policy";
import { decideRetry, decisionTags, readBooleanTag } from "./retry-policy";

const ON: RetriesConfig = { ...InstanceConfigSchema.parse({}).run_retries, enabled: true, max_retries: 2 };

type Case = {
  name: string;
  tags?: Tags;
  reason?: RunFailureReason;
  config?: Partial<RetriesConfig>;
  expected: Partial<RetryDecision> & { kind: RetryDecision["kind"] };
};

const cases: Case[] = [
  {
    name: "Dagster test_filter_runs_to_should_retry: a first failure with retries left is retried as number 1",
    expected: { kind: "retry", retryNumber: 1, strategy: "FROM_FAILURE" },
  },
  {
    name: "Dagster test_filter_runs_to_should_retry: the last allowed retry is made",
    tags: { "flightdeck/retry_number": "1" },
    expected: { kind: "retry", retryNumber: 2 },
  },
  {
    name: "Dagster test_filter_runs_to_should_retry: no retry once retry_number reaches max_retries",
    tags: { "flightdeck/retry_number": "2" },
    expected: { kind: "no_retry" },
  },
  {
    name: "Dagster test_daemon_enabled: nothing is retried when run retries are disabled",
    config: { enabled: false },
    expected: { kind: "no_retry" },
  },
  {
    name: "Dagster test_filter_runs_from_run_tags: the flightdeck/max_retries tag overrides the instance",
    tags: { "flightdeck/max_retries": "5", "flightdeck/retry_number": "3" },
    expected: { kind: "retry", retryNumber: 4 },
  },
  {
    name: "a flightdeck/max_retries tag of 0 turns retries off for that run",
    tags: { "flightdeck/max_retries": "0" },
    expected: { kind: "no_retry" },
  },
  {
    name: "Dagster test_invalid_max_retries_tag: an unreadable max_retries tag means no retry",
    tags: { "flightdeck/max_retries": "many" },
    expected: { kind: "no_retry" },
  },
  {
    name: "the instance default of 0 retries means none",
    config: { max_retries: 0 },
    expected: { kind: "no_retry" },
  },
  {
    name: "Dagster test_consume_new_runs_for_automatic_reexecution (strategy): ALL_STEPS from the tag",
    tags: { "flightdeck/retry_strategy": "ALL_STEPS" },
    expected: { kind: "retry", strategy: "ALL_STEPS" },
  },
  {
    name: "an unknown strategy falls back to the instance default",
    tags: { "flightdeck/retry_strategy": "SOME_STEPS" },
    config: { default_strategy: "ALL_STEPS" },
    expected: { kind: "retry", strategy: "ALL_STEPS" },
  },
  {
    name: "Dagster test_retry_on_asset_or_op_failure: a step failure is not retried when it is off",
    reason: "STEP_FAILURE",
    config: { retry_on_asset_or_op_failure: false },
    expected: { kind: "no_retry" },
  },
  {
    name: "Dagster test_retry_on_asset_or_op_failure: a crashed run worker is retried when it is off",
    reason: "RUN_WORKER_CRASHED",
    config: { retry_on_asset_or_op_failure: false },
    expected: { kind: "retry", retryNumber: 1 },
  },
  {
    name: "a start timeout is retried when retry_on_asset_or_op_failure is off",
    reason: "START_TIMEOUT",
    config: { retry_on_asset_or_op_failure: false },
    expected: { kind: "retry" },
  },
  {
    name: "Dagster test_retry_on_asset_or_op_failure: the run's tag turns it off for that run",
    reason: "STEP_FAILURE",
    tags: { "flightdeck/retry_on_asset_or_op_failure": "false" },
    expected: { kind: "no_retry", reason: "a step failed and the run's retry_on_asset_or_op_failure is false" },
  },
  {
    name: "the run's tag turns it back on over the instance's false",
    reason: "STEP_FAILURE",
    tags: { "flightdeck/retry_on_asset_or_op_failure": "True" },
    config: { retry_on_asset_or_op_failure: false },
    expected: { kind: "retry" },
  },
];

describe("readBooleanTag (Dagster's get_boolean_tag_value)", () => {
  it.each([
    [undefined, true, true],
    [undefined, false, false],
    ["false", true, false],
    ["FALSE", true, false],
    ["None", true, false],
    ["0", true, false],
    ["", true, false],
    ["true", false, true],
    ["no", false, true],
  ] as const)("reads %j (default %s) as %s", (value, fallback, expected) => {
    expect(readBooleanTag(value, fallback)).toBe(expected);
  });
});

describe("decisionTags", () => {
  it("marks a failure that will be retried, and one that will not, with why it failed", () => {
    expect(decisionTags(decideRetry({}, "START_TIMEOUT", ON), "START_TIMEOUT")).toEqual({
      "flightdeck/will_retry": "true",
      "flightdeck/failure_reason": "START_TIMEOUT",
    });
    expect(decisionTags(decideRetry({ "flightdeck/retry_number": "2" }, "STEP_FAILURE", ON), "STEP_FAILURE")).toEqual({
      "flightdeck/will_retry": "false",
      "flightdeck/failure_reason": "STEP_FAILURE",
    });
  });
});

describe("decideRetry", () => {
  it.each(cases)("$name", (c) => {
    expect(decideRetry(c.tags ?? {}, c.reason ?? "STEP_FAILURE", { ...ON, ...c.config })).toMatchObject(c.expected);
  });

  it("tags the retry with its number and strategy", () => {
    expect(decideRetry({}, "STEP_FAILURE", ON)).toEqual({
      kind: "retry",
      retryNumber: 1,
      strategy: "FROM_FAILURE",
      tags: { "flightdeck/retry_number": "1", "flightdeck/retry_strategy": "FROM_FAILURE" },
    });
  });
});
