import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TagConcurrencyLimit } from "./instance-config";
import { countInProgressRuns, limitLaneOf, parseLimitLane, type TaggedRun } from "./tag-limits";

type Tags = Record<string, string>;

function inProgress(...tags: Tags[]): TaggedRun[] {
  return tags.map((runTags, index) => ({ id: `in-progress-${index}`, tags: runTags }));
}

function counter(limits: TagConcurrencyLimit[], running: TaggedRun[], max = -1) {
  return countInProgressRuns({ max_concurrent_runs: max, tag_concurrency_limits: limits }, running);
}

const perUnique = { applyLimitPerUniqueValue: true } as const;

// Each row names the Dagster behaviour it pins: TagConcurrencyLimitsCounter in `_utils/tags.py`, or
// the daemon test (test_queued_run_coordinator_daemon.py) whose second pass sees these runs in progress.
interface Row {
  name: string;
  limits: TagConcurrencyLimit[];
  running: TaggedRun[];
  run: Tags;
  blocked: boolean;
}

describe("isBlockedByTags", () => {
  it.each<Row>([
    {
      name: "a key limit counts every run having the key, whatever its value (test_tag_limits_just_key)",
      limits: [{ key: "database", limit: 2 }],
      running: inProgress({ database: "tiny" }, { database: "large" }),
      run: { database: "other" },
      blocked: true,
    },
    {
      name: "a key limit with room admits the run",
      limits: [{ key: "database", limit: 2 }],
      running: inProgress({ database: "tiny" }),
      run: { database: "tiny" },
      blocked: false,
    },
    {
      name: "applyLimitPerUniqueValue: false is a key limit (test_tag_limits_just_key)",
      limits: [{ key: "database", value: { applyLimitPerUniqueValue: false }, limit: 1 }],
      running: inProgress({ database: "tiny" }),
      run: { database: "large" },
      blocked: true,
    },
    {
      name: "a value limit counts only runs with that exact value (test_tag_limits)",
      limits: [{ key: "database", value: "tiny", limit: 1 }],
      running: inProgress({ database: "large" }, { database: "large" }),
      run: { database: "tiny" },
      blocked: false,
    },
    {
      name: "a full value limit blocks a run with that value (test_tag_limits)",
      limits: [{ key: "database", value: "tiny", limit: 1 }],
      running: inProgress({ database: "tiny" }),
      run: { database: "tiny" },
      blocked: true,
    },
    {
      name: "a full value limit leaves runs with another value alone (test_tag_limits)",
      limits: [{ key: "database", value: "tiny", limit: 1 }],
      running: inProgress({ database: "tiny" }),
      run: { database: "large" },
      blocked: false,
    },
    {
      name: "a per-unique-value limit blocks the value that is full (test_limits_per_unique_value)",
      limits: [{ key: "foo", value: perUnique, limit: 1 }],
      running: inProgress({ foo: "bar" }),
      run: { foo: "bar" },
      blocked: true,
    },
    {
      name: "a per-unique-value limit counts each value separately (test_limits_per_unique_value)",
      limits: [{ key: "foo", value: perUnique, limit: 1 }],
      running: inProgress({ foo: "bar" }),
      run: { foo: "other" },
      blocked: false,
    },
    {
      name: "overlapping key and value limits both apply: the value one (test_overlapping_tag_limits)",
      limits: [
        { key: "foo", limit: 2 },
        { key: "foo", value: "bar", limit: 1 },
      ],
      running: inProgress({ foo: "bar" }),
      run: { foo: "bar" },
      blocked: true,
    },
    {
      name: "overlapping key and value limits both apply: the key one (test_overlapping_tag_limits)",
      limits: [
        { key: "foo", limit: 2 },
        { key: "foo", value: "bar", limit: 1 },
      ],
      running: inProgress({ foo: "bar" }, { foo: "other" }),
      run: { foo: "other" },
      blocked: true,
    },
    {
      name: "a run with several limited tags needs room in all of them (test_multiple_tag_limits)",
      limits: [
        { key: "database", value: "tiny", limit: 1 },
        { key: "user", value: "johann", limit: 2 },
      ],
      running: inProgress({ user: "johann" }, { user: "johann" }),
      run: { database: "tiny", user: "johann" },
      blocked: true,
    },
    {
      name: "a limit of 0 blocks a matching run with nothing in progress (test_multiple_blocks)",
      limits: [{ key: "database", value: "tiny", limit: 0 }],
      running: [],
      run: { database: "tiny" },
      blocked: true,
    },
    {
      name: "a per-unique-value limit of 0 blocks every value",
      limits: [{ key: "foo", value: perUnique, limit: 0 }],
      running: [],
      run: { foo: "never-seen" },
      blocked: true,
    },
    {
      name: "a run without limited tags is never blocked by tags (test_key_limit_with_extra_tags)",
      limits: [{ key: "test", limit: 0 }],
      running: [],
      run: { "other-tag": "value" },
      blocked: false,
    },
    {
      name: "the later of two limits on the same key wins, as Dagster's dict does",
      limits: [
        { key: "db", limit: 1 },
        { key: "db", limit: 3 },
      ],
      running: inProgress({ db: "a" }),
      run: { db: "b" },
      blocked: false,
    },
  ])("$name", ({ limits, running, run, blocked }) => {
    expect(counter(limits, running).isBlockedByTags({ id: "queued", tags: run })).toBe(blocked);
  });
});

describe("hasGlobalRoom", () => {
  it.each([
    { name: "-1 always has room", max: -1, running: 100, room: true },
    { name: "0 never has room", max: 0, running: 0, room: false },
    { name: "room while fewer runs are in progress than the limit", max: 4, running: 3, room: true },
    { name: "no room once the limit is reached", max: 4, running: 4, room: false },
    { name: "no room when runs started without queuing exceed the limit", max: 4, running: 6, room: false },
  ])("$name", ({ max, running, room }) => {
    const runs = inProgress(...Array.from({ length: running }, () => ({})));
    expect(counter([], runs, max).hasGlobalRoom()).toBe(room);
  });
});

describe("ConcurrencyCounter", () => {
  it("counts a run added during the pass against the runs after it", () => {
    const limits = [{ key: "db", limit: 1 }];
    const count = counter(limits, []);
    count.add({ id: "launched", tags: { db: "a" } });
    expect(count.isBlockedByTags({ id: "next", tags: { db: "b" } })).toBe(true);
    expect(count.runsInProgress).toBe(1);
  });

  it("reports every limit a run counts against, with how full it is and who holds it", () => {
    const limits: TagConcurrencyLimit[] = [
      { key: "db", limit: 3 },
      { key: "db", value: "tiny", limit: 1 },
      { key: "team", value: perUnique, limit: 2 },
    ];
    const count = counter(limits, inProgress({ db: "tiny", team: "red" }, { db: "large" }));
    expect(count.tagLimitsFor({ id: "q", tags: { db: "tiny", team: "blue" } })).toEqual([
      { kind: "key", key: "db", value: null, limit: 3, in_use: 2, held_by: ["in-progress-0", "in-progress-1"] },
      { kind: "value", key: "db", value: "tiny", limit: 1, in_use: 1, held_by: ["in-progress-0"] },
      { kind: "per_unique_value", key: "team", value: "blue", limit: 2, in_use: 0, held_by: [] },
    ]);
  });

  it("keeps a reported holder list unchanged when later runs are added", () => {
    const count = counter([{ key: "db", limit: 5 }], inProgress({ db: "a" }));
    const [before] = count.tagLimitsFor({ id: "q", tags: { db: "a" } });
    count.add({ id: "launched", tags: { db: "a" } });
    expect(before?.held_by).toEqual(["in-progress-0"]);
  });
});

describe("laneBlockedAt", () => {
  const tagArb = fc.dictionary(fc.constantFrom("db", "team", "user"), fc.constantFrom("a", "b", "c"), { maxKeys: 3 });
  const limitArb: fc.Arbitrary<TagConcurrencyLimit> = fc.record({
    key: fc.constantFrom("db", "team", "user"),
    value: fc.option(fc.oneof(fc.constantFrom("a", "b"), fc.constant(perUnique)), { nil: undefined }),
    limit: fc.integer({ min: 0, max: 2 }),
  });

  it("answers from a run's lane exactly what isBlockedByTags answers from its tags (property)", () => {
    fc.assert(
      fc.property(
        fc.array(limitArb, { maxLength: 4 }),
        fc.array(tagArb, { maxLength: 6 }),
        tagArb,
        (limits, running, tags) => {
          const count = counter(limits, inProgress(...running));
          const lane = parseLimitLane(limitLaneOf(limits, tags));
          const at = count.laneBlockedAt(lane);
          expect(at !== -1).toBe(count.isBlockedByTags({ id: "q", tags }));
          // The bucket named is full: a run counting against only that bucket is blocked too.
          const bucket = lane[at];
          if (bucket) expect(count.laneBlockedAt([bucket])).toBe(0);
        },
      ),
    );
  });
});
