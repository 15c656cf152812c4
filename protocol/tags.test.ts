import { describe, expect, it } from "vitest";
import { findReservedTagIssues, RESERVED_TAGS, TAG } from "./tags";

describe("reserved tags", () => {
  it.each<[string, Record<string, string>, RegExp | null]>([
    ["a negative max_runtime", { [TAG.maxRuntime]: "-5" }, /seconds > 0/],
    ["a zero max_runtime", { [TAG.maxRuntime]: "0" }, /seconds > 0/],
    ["a made-up parent_run_id", { [TAG.parentRunId]: "someone-elses-run" }, /set by Flightdeck itself/],
    ["an unknown flightdeck/ tag", { "flightdeck/typo": "1" }, /not a tag Flightdeck knows/],
    ["a fractional max_retries", { [TAG.maxRetries]: "1.5" }, /whole number/],
    ["a retry_strategy that is not one", { [TAG.retryStrategy]: "SOME" }, /FROM_FAILURE/],
    ["a boolean that is not one", { [TAG.retryOnAssetOrOpFailure]: "yes" }, /"true" or "false"/],
    ["a priority that is not an integer (Dagster counts it as 0)", { [TAG.priority]: "high" }, null],
    ["valid user tags", { [TAG.maxRuntime]: "3600", [TAG.maxRetries]: "2", team: "data" }, null],
    ["tags outside the prefix, whatever they hold", { "dagster/anything": "-5", flightdeck: "x" }, null],
  ])("%s", (_name, tags, message) => {
    const issues = findReservedTagIssues(tags);
    if (message === null) expect(issues).toEqual([]);
    else expect(issues).toEqual([{ key: Object.keys(tags)[0], message: expect.stringMatching(message) }]);
  });

  it("lists every tag of TAG in the table", () => {
    expect(Object.keys(RESERVED_TAGS).sort()).toEqual(Object.values(TAG).sort());
  });
});
