import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TagConcurrencyLimit, tagLimitKind } from "../../../protocol/instance-config";
import {
  type ConcurrencyCounter,
  countInProgressRuns,
  limitBucketsOf,
  limitLaneOf,
  type TaggedRun,
} from "../../../protocol/tag-limits";
import { TAG } from "../../../protocol/tags";
import { type Lane, mergeInLaunchOrder, mergeLanes } from "./lane-merge";
import { compareLaunchOrder, type QueuedRun, selectRunsToLaunch, sortQueue } from "./queue-policy";

const perUnique = { applyLimitPerUniqueValue: true } as const;

/** The queue partitioned the way the Durable Object keeps it: lanes by `limitLaneOf` with their buckets, in the order of their heads. */
function lanesOf(limits: readonly TagConcurrencyLimit[], queued: readonly QueuedRun[]): Lane<QueuedRun>[] {
  const byLane = new Map<string, QueuedRun[]>();
  for (const run of sortQueue(queued)) {
    const lane = limitLaneOf(limits, run.tags);
    byLane.set(lane, [...(byLane.get(lane) ?? []), run]);
  }
  return [...byLane.values()]
    .map((runs) => {
      const head = runs[0] as QueuedRun;
      return { head, buckets: limitBucketsOf(limits, head.tags), rest: () => runs.slice(1)[Symbol.iterator]() };
    })
    .sort((a, b) => compareLaunchOrder(a.head, b.head));
}

describe("limitLaneOf", () => {
  it.each<{
    name: string;
    limits: TagConcurrencyLimit[];
    a: Record<string, string>;
    b: Record<string, string>;
    same: boolean;
  }>([
    {
      name: "runs with no limited tag share a lane",
      limits: [{ key: "db", limit: 1 }],
      a: {},
      b: { team: "x" },
      same: true,
    },
    {
      name: "a key limit ignores the value",
      limits: [{ key: "db", limit: 1 }],
      a: { db: "a" },
      b: { db: "b" },
      same: true,
    },
    {
      name: "a per-unique-value limit separates values",
      limits: [{ key: "db", value: perUnique, limit: 1 }],
      a: { db: "a" },
      b: { db: "b" },
      same: false,
    },
    {
      name: "a value limit separates its value from the others",
      limits: [{ key: "db", value: "a", limit: 1 }],
      a: { db: "a" },
      b: { db: "b" },
      same: false,
    },
    {
      name: "a value limit's other values share the lane of runs without the key",
      limits: [{ key: "db", value: "a", limit: 1 }],
      a: { db: "b" },
      b: {},
      same: true,
    },
    {
      name: "unlimited tags and the priority do not split lanes",
      limits: [{ key: "db", limit: 1 }],
      a: { db: "a", team: "x", [TAG.priority]: "3" },
      b: { db: "b" },
      same: true,
    },
    {
      name: "the order of a run's tags does not matter",
      limits: [
        { key: "db", limit: 1 },
        { key: "team", limit: 1 },
      ],
      a: { db: "a", team: "x" },
      b: { team: "y", db: "b" },
      same: true,
    },
  ])("$name", ({ limits, a, b, same }) => {
    expect(limitLaneOf(limits, a) === limitLaneOf(limits, b)).toBe(same);
  });
});

/** Every run the merge hands out, each counted as launched before the next is pulled (what the policy does). */
function drain(lanes: Iterable<Lane<QueuedRun>>, counter: ConcurrencyCounter): string[] {
  const ids: string[] = [];
  for (const run of mergeLanes(lanes, counter)) {
    ids.push(run.id);
    counter.add(run);
  }
  return ids;
}

describe("mergeLanes", () => {
  const limits: TagConcurrencyLimit[] = [{ key: "db", limit: 1 }];
  const run = (id: string, enqueuedAt: number, tags: Record<string, string> = {}): QueuedRun => ({
    id,
    enqueuedAt,
    tags,
  });

  it("hands out the runs of free lanes in launch order, across lanes", () => {
    const queued = [run("a", 1, { db: "x" }), run("b", 2), run("c", 3, { db: "y" }), run("d", 4)];
    const counter = countInProgressRuns({ max_concurrent_runs: -1, tag_concurrency_limits: limits }, []);
    // "c" shares "a"'s lane (a key limit of 1): once "a" is handed out, the lane is full.
    expect(drain(lanesOf(limits, queued), counter)).toEqual(["a", "b", "d"]);
  });

  it("never reads past the head of a lane blocked at the start", () => {
    const running: TaggedRun[] = [{ id: "p", tags: { db: "z" } }];
    const counter = countInProgressRuns({ max_concurrent_runs: -1, tag_concurrency_limits: limits }, running);
    let restRead = false;
    const blocked: Lane<QueuedRun> = {
      head: run("a", 1, { db: "x" }),
      rest: () => {
        restRead = true;
        return [][Symbol.iterator]();
      },
    };
    const free: Lane<QueuedRun> = { head: run("b", 2), rest: () => [run("c", 3)][Symbol.iterator]() };
    expect(drain([blocked, free], counter)).toEqual(["b", "c"]);
    expect(restRead).toBe(false);
  });

  it("stops once the global limit is full, without reading the next run", () => {
    const counter = countInProgressRuns({ max_concurrent_runs: 1, tag_concurrency_limits: [] }, []);
    let restRead = false;
    const lane: Lane<QueuedRun> = {
      head: run("a", 1),
      rest: () => {
        restRead = true;
        return [run("b", 2)][Symbol.iterator]();
      },
    };
    expect(drain([lane], counter)).toEqual(["a"]);
    expect(restRead).toBe(false);
  });

  it("refuses lanes that do not come in the order of their heads", () => {
    const counter = countInProgressRuns({ max_concurrent_runs: -1, tag_concurrency_limits: [] }, []);
    const lane = (head: QueuedRun): Lane<QueuedRun> => ({ head, rest: () => [][Symbol.iterator]() });
    expect(() => drain([lane(run("b", 2)), lane(run("a", 1))], counter)).toThrow(/launch order/);
  });
});

const KEYS = ["db", "team", "user"] as const;
const VALUES = ["a", "b", "c"] as const;
const tagsArb = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }),
    fc.option(fc.integer({ min: -2, max: 2 }).map(String), { nil: undefined }),
  )
  .map(([tags, priority]) => (priority === undefined ? tags : { ...tags, [TAG.priority]: priority }));
const limitArb: fc.Arbitrary<TagConcurrencyLimit> = fc.record({
  key: fc.constantFrom(...KEYS),
  value: fc.option(fc.oneof(fc.constantFrom(...VALUES), fc.constant(perUnique)), { nil: undefined }),
  limit: fc.integer({ min: 0, max: 3 }),
});

describe("the admission pass fed by lanes", () => {
  it("launches exactly what it launches fed by the whole queue in launch order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tags: tagsArb, enqueuedAt: fc.integer({ min: 0, max: 5 }) }), { maxLength: 14 }),
        fc.array(tagsArb, { maxLength: 6 }),
        fc.integer({ min: -1, max: 8 }),
        fc.uniqueArray(limitArb, {
          maxLength: 4,
          selector: (l) => `${l.key}|${tagLimitKind(l)}|${typeof l.value === "string" ? l.value : ""}`,
        }),
        (queuedIn, runningTags, max, tagLimits) => {
          const queued = queuedIn.map((q, index) => ({ id: `q-${index}`, ...q }));
          const inProgress = runningTags.map((tags, index) => ({ id: `p-${index}`, tags }));
          const config = {
            type: "queued" as const,
            max_concurrent_runs: max,
            tag_concurrency_limits: tagLimits,
            paused: false,
          };
          const plain = selectRunsToLaunch({ queued: sortQueue(queued), inProgress, config, paused: false });
          const counter = countInProgressRuns(config, inProgress);
          const merged = mergeLanes(lanesOf(tagLimits, queued), counter);
          const laned = selectRunsToLaunch({ queued: merged, inProgress, counter, config, paused: false });
          expect(laned.launch.map((r) => r.id)).toEqual(plain.launch.map((r) => r.id));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("mergeInLaunchOrder", () => {
  it("merges sources each in launch order into the launch order of all their runs (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ tags: tagsArb, enqueuedAt: fc.integer({ min: 0, max: 5 }) }), { maxLength: 8 }), {
          maxLength: 6,
        }),
        (sources) => {
          const runs = sources.map((source, s) => source.map((run, i) => ({ id: `s${s}-${i}`, ...run })));
          const merged = [...mergeInLaunchOrder(runs.map((source) => sortQueue(source)[Symbol.iterator]()))];
          expect(merged.map((run) => run.id)).toEqual(sortQueue(runs.flat()).map((run) => run.id));
        },
      ),
    );
  });
});
