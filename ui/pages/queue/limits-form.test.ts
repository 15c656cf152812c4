import { describe, expect, it } from "vitest";
import { errorsByPlace, readDraft, toDraft } from "./limits-form";

describe("the limits form", () => {
  it("round-trips the three kinds of tag limit", () => {
    const config = {
      max_concurrent_runs: 3,
      tag_concurrency_limits: [
        { key: "db", limit: 1 },
        { key: "db", value: "prod", limit: 2 },
        { key: "team", value: { applyLimitPerUniqueValue: true }, limit: 4 },
      ],
    };
    expect(readDraft(toDraft(config))).toEqual({ patch: config });
  });

  it("puts each problem at its place", () => {
    const draft = {
      maxConcurrentRuns: "-2",
      tags: [
        { key: "", kind: "key" as const, value: "", limit: "x" },
        { key: "db", kind: "key" as const, value: "", limit: "1.5" },
      ],
    };
    const result = readDraft(draft);
    expect("errors" in result && Object.keys(result.errors).sort()).toEqual([
      "max_concurrent_runs",
      "tag_concurrency_limits.0.key",
      "tag_concurrency_limits.0.limit",
      "tag_concurrency_limits.1.limit",
    ]);
  });

  it("refuses two limits on the same key, at the second", () => {
    const tag = { key: "db", kind: "key" as const, value: "", limit: "1" };
    const result = readDraft({ maxConcurrentRuns: "1", tags: [tag, tag] });
    expect("errors" in result && result.errors["tag_concurrency_limits.1"]).toMatch(/Two limits/);
  });

  it("maps the server's paths below run_coordinator to the same places", () => {
    expect(errorsByPlace([{ path: "run_coordinator.max_concurrent_runs", message: "no" }])).toEqual({
      max_concurrent_runs: "no",
    });
  });
});
