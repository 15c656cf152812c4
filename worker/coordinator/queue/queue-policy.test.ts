import { describe, expect, it } from "vitest";
import type { TagConcurrencyLimit } from "../../../protocol/instance-config";
import type { TaggedRun } from "../../../protocol/tag-limits";
import { TAG } from "../../../protocol/tags";
import { type QueuedRun, type QueuePolicyConfig, selectRunsToLaunch, sortQueue } from "./queue-policy";

type Tags = Record<string, string>;

/** Queued runs in submission order: enqueue time is the index. */
function queue(...runs: [id: string, tags?: Tags][]): QueuedRun[] {
  return runs.map(([id, tags = {}], index) => ({ id, tags, enqueuedAt: 1_000 + index }));
}

function inProgress(...tags: Tags[]): TaggedRun[] {
  return tags.map((runTags, index) => ({ id: `in-progress-${index}`, tags: runTags }));
}

function config(overrides: Partial<QueuePolicyConfig> = {}): QueuePolicyConfig {
  return { type: "queued", max_concurrent_runs: 10, tag_concurrency_limits: [], paused: false, ...overrides };
}

const priority = (value: string): Tags => ({ [TAG.priority]: value });
const fiveQueued = queue(["q-0"], ["q-1"], ["q-2"], ["q-3"], ["q-4"]);

interface Scenario {
  name: string;
  config?: Partial<QueuePolicyConfig>;
  limits?: TagConcurrencyLimit[];
  running?: TaggedRun[];
  queued: QueuedRun[];
  launched: string[];
}

// Ported from dagster's test_queued_run_coordinator_daemon.py; each name ends with the test it comes
// from. Dagster asserts sets where its dequeue is threaded; a pure pass has one order, asserted here.
describe("selectRunsToLaunch, Dagster's scenarios", () => {
  it.each<Scenario>([
    {
      name: "launches a queued run when nothing is in progress (test_attempt_to_launch_runs_filter)",
      queued: queue(["queued-run"]),
      launched: ["queued-run"],
    },
    {
      name: "launches nothing when nothing is queued (test_attempt_to_launch_runs_no_queued)",
      running: inProgress({}),
      queued: [],
      launched: [],
    },
    ...[0, 1, 3, 4, 5].map((running) => ({
      name: `launches max_concurrent_runs minus the ${running} in progress (test_get_queued_runs_max_runs)`,
      config: { max_concurrent_runs: 4 },
      running: inProgress(...Array.from({ length: running }, () => ({}))),
      queued: fiveQueued,
      launched: fiveQueued.slice(0, Math.max(0, 4 - running)).map((run) => run.id),
    })),
    {
      name: "launches every queued run when max_concurrent_runs is -1 (test_disable_max_concurrent_runs_limit)",
      config: { max_concurrent_runs: -1 },
      running: inProgress({}, {}, {}, {}, {}),
      queued: queue(["q-0"], ["q-1"], ["q-2"], ["q-3"], ["q-4"], ["q-5"]),
      launched: ["q-0", "q-1", "q-2", "q-3", "q-4", "q-5"],
    },
    {
      name: "launches higher priority first, negatives last (test_priority)",
      queued: queue(["default-pri-run"], ["low-pri-run", priority("-1")], ["hi-pri-run", priority("3")]),
      launched: ["hi-pri-run", "default-pri-run", "low-pri-run"],
    },
    {
      name: "treats a malformed priority as the default (test_priority_on_malformed_tag)",
      queued: queue(["bad-pri-run", priority("foobar")]),
      launched: ["bad-pri-run"],
    },
    {
      name: "skips a run over a value limit and launches the runs behind it (test_tag_limits)",
      limits: [{ key: "database", value: "tiny", limit: 1 }],
      queued: queue(
        ["tiny-1", { database: "tiny" }],
        ["tiny-2", { database: "tiny" }],
        ["large-1", { database: "large" }],
      ),
      launched: ["tiny-1", "large-1"],
    },
    {
      name: "counts every value against a key limit (test_tag_limits_just_key)",
      limits: [{ key: "database", value: { applyLimitPerUniqueValue: false }, limit: 2 }],
      queued: queue(
        ["tiny-1", { database: "tiny" }],
        ["tiny-2", { database: "tiny" }],
        ["large-1", { database: "large" }],
      ),
      launched: ["tiny-1", "tiny-2"],
    },
    {
      name: "needs room in every limit a run counts against (test_multiple_tag_limits)",
      limits: [
        { key: "database", value: "tiny", limit: 1 },
        { key: "user", value: "johann", limit: 2 },
      ],
      queued: queue(
        ["run-1", { database: "tiny", user: "johann" }],
        ["run-2", { database: "tiny" }],
        ["run-3", { user: "johann" }],
        ["run-4", { user: "johann" }],
      ),
      launched: ["run-1", "run-3"],
    },
    {
      name: "applies a key limit and a value limit on the same key together (test_overlapping_tag_limits)",
      limits: [
        { key: "foo", limit: 2 },
        { key: "foo", value: "bar", limit: 1 },
      ],
      queued: queue(
        ["run-1", { foo: "bar" }],
        ["run-2", { foo: "bar" }],
        ["run-3", { foo: "other" }],
        ["run-4", { foo: "other" }],
      ),
      launched: ["run-1", "run-3"],
    },
    {
      name: "caps each value and the key at once (test_limits_per_unique_value_overlapping_limits_less_than)",
      limits: [
        { key: "foo", value: { applyLimitPerUniqueValue: true }, limit: 1 },
        { key: "foo", limit: 2 },
      ],
      queued: queue(
        ["run-1", { foo: "bar" }],
        ["run-2", { foo: "bar" }],
        ["run-3", { foo: "other" }],
        ["run-4", { foo: "other-2" }],
      ),
      launched: ["run-1", "run-3"],
    },
    {
      name: "caps one value below the per-value limit (test_limits_per_unique_value_overlapping_limits_greater_than)",
      limits: [
        { key: "foo", value: { applyLimitPerUniqueValue: true }, limit: 2 },
        { key: "foo", value: "bar", limit: 1 },
      ],
      queued: queue(
        ["run-1", { foo: "bar" }],
        ["run-2", { foo: "baz" }],
        ["run-3", { foo: "bar" }],
        ["run-4", { foo: "baz" }],
        ["run-5", { foo: "baz" }],
      ),
      launched: ["run-1", "run-2", "run-4"],
    },
    {
      name: "ignores tags no limit names (test_key_limit_with_extra_tags)",
      config: { max_concurrent_runs: 2 },
      limits: [{ key: "test", limit: 1 }],
      queued: queue(
        ["run-1", { "other-tag": "value", test: "value" }],
        ["run-2", { "other-tag": "value", test: "value" }],
      ),
      launched: ["run-1"],
    },
    {
      name: "gives a tag limit's room to the higher priority run (test_key_limit_with_priority)",
      config: { max_concurrent_runs: 2 },
      limits: [{ key: "test", limit: 1 }],
      queued: queue(
        ["lo-pri", { test: "value", ...priority("-100") }],
        ["hi-pri", { test: "value", ...priority("100") }],
      ),
      launched: ["hi-pri"],
    },
    {
      name: "launches nothing a limit of 0 matches (test_multiple_blocks, tag part)",
      limits: [{ key: "database", value: "tiny", limit: 0 }],
      queued: queue(["run-1", { database: "tiny" }]),
      launched: [],
    },
    {
      name: "keeps first-in first-out among equal priorities (test_locations_not_created)",
      queued: queue(["queued-run"], ["queued-run-2"]),
      launched: ["queued-run", "queued-run-2"],
    },
  ])("$name", ({ config: overrides, limits = [], running = [], queued, launched }) => {
    const selection = selectRunsToLaunch({
      queued: sortQueue(queued),
      inProgress: running,
      config: config({ ...overrides, tag_concurrency_limits: limits }),
      paused: false,
    });
    expect(selection.launch.map((run) => run.id)).toEqual(launched);
  });

  it("limits each tag value separately across passes (test_limits_per_unique_value)", () => {
    const settings = config({
      tag_concurrency_limits: [{ key: "foo", value: { applyLimitPerUniqueValue: true }, limit: 1 }],
    });
    const first = queue(["run-1", { foo: "bar" }], ["run-2", { foo: "bar" }]);
    const pass1 = selectRunsToLaunch({ queued: first, inProgress: [], config: settings, paused: false });
    expect(pass1.launch.map((run) => run.id)).toEqual(["run-1"]);

    const second = [...first.slice(1), ...queue(["run-3", { foo: "other" }], ["run-4", { foo: "other" }])];
    const pass2 = selectRunsToLaunch({
      queued: sortQueue(second),
      inProgress: pass1.launch,
      config: settings,
      paused: false,
    });
    expect(pass2.launch.map((run) => run.id)).toEqual(["run-3"]);
  });
});

// Dagster's test_retry_user_code_error_run: while a location is paused after an unreachable launch,
// its runs are skipped and other locations' runs launch (_get_runs_to_dequeue's paused_location_names).
describe("selectRunsToLaunch with a code location paused", () => {
  const pause = { location: "etl", since: 1_000, until: 61_000, reason: "connection refused" };
  const runs: QueuedRun[] = [
    { id: "etl-1", tags: {}, enqueuedAt: 1, location: "etl" },
    { id: "ml-1", tags: {}, enqueuedAt: 2, location: "ml" },
    { id: "etl-2", tags: {}, enqueuedAt: 3, location: "etl" },
    { id: "old", tags: {}, enqueuedAt: 4, location: null },
  ];

  it("skips the paused location's runs, says why, and launches the others in order", () => {
    const selection = selectRunsToLaunch({
      queued: runs,
      inProgress: [],
      config: config({ max_concurrent_runs: 2 }),
      paused: false,
      pausedLocations: new Map([["etl", pause]]),
    });
    expect(selection.launch.map((run) => run.id)).toEqual(["ml-1", "old"]);
    const reason = {
      reason: "code_location_unreachable",
      location: "etl",
      since: 1_000,
      next_try_at: 61_000,
      error: "connection refused",
    };
    expect(selection.waiting).toEqual([
      { runId: "etl-1", reason },
      { runId: "etl-2", reason },
    ]);
  });

  it("launches them again once no pause is given", () => {
    const selection = selectRunsToLaunch({ queued: runs, inProgress: [], config: config(), paused: false });
    expect(selection.launch.map((run) => run.id)).toEqual(["etl-1", "ml-1", "etl-2", "old"]);
  });
});
