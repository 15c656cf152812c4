import { describe, expect, it } from "vitest";
import type { TaggedRun } from "../../../protocol/tag-limits";
import { TAG } from "../../../protocol/tags";
import {
  describeQueue,
  type QueuedRun,
  type QueuePolicyConfig,
  queuePositions,
  selectRunsToLaunch,
} from "./queue-policy";

function config(overrides: Partial<QueuePolicyConfig> = {}): QueuePolicyConfig {
  return { type: "queued", max_concurrent_runs: 10, tag_concurrency_limits: [], paused: false, ...overrides };
}

function run(id: string, tags: Record<string, string> = {}, enqueuedAt = 0): QueuedRun {
  return { id, tags, enqueuedAt };
}

/** A long queue that counts how many runs the pass pulled from it. */
function countingQueue(length: number) {
  const counter = { pulled: 0 };
  function* runs(): Generator<QueuedRun> {
    for (let index = 0; index < length; index += 1) {
      counter.pulled += 1;
      yield run(`q-${String(index).padStart(6, "0")}`, {}, index);
    }
  }
  return { runs: runs(), counter };
}

const held = (count: number): TaggedRun[] => Array.from({ length: count }, (_, i) => ({ id: `held-${i}`, tags: {} }));

describe("selectRunsToLaunch, reading as little of the queue as it can", () => {
  it.each([
    { name: "reads one run of a paused queue and launches nothing", paused: true, cfg: {}, running: 0, pulled: 1 },
    {
      name: "reads one run when the global limit is already full",
      paused: false,
      cfg: { max_concurrent_runs: 3 },
      running: 3,
      pulled: 1,
    },
    {
      name: "reads one run past those it launches",
      paused: false,
      cfg: { max_concurrent_runs: 3 },
      running: 1,
      pulled: 3,
    },
    {
      name: "reads one run when max_concurrent_runs is 0",
      paused: false,
      cfg: { max_concurrent_runs: 0 },
      running: 0,
      pulled: 1,
    },
  ])("$name", ({ paused, cfg, running, pulled }) => {
    const { runs, counter } = countingQueue(100_000);
    const selection = selectRunsToLaunch({ queued: runs, inProgress: held(running), config: config(cfg), paused });
    expect(counter.pulled).toBe(pulled);
    expect(selection.rest).not.toBeNull();
  });

  it("says nothing is left when it read the whole queue", () => {
    const selection = selectRunsToLaunch({ queued: [run("a")], inProgress: [], config: config(), paused: false });
    expect(selection).toEqual({ launch: [run("a")], waiting: [], rest: null });
  });

  it("refuses a queue that is not in launch order, which is the caller's bug", () => {
    const queued = [run("low", { [TAG.priority]: "-1" }), run("high", { [TAG.priority]: "5" })];
    expect(() => selectRunsToLaunch({ queued, inProgress: [], config: config(), paused: false })).toThrow(
      /launch order/,
    );
  });

  it("launches every queued run under the default coordinator, which applies no limits", () => {
    const queued = [run("a", { db: "x" }, 1), run("b", { db: "x" }, 2)];
    const settings = config({
      type: "default",
      max_concurrent_runs: 0,
      tag_concurrency_limits: [{ key: "db", limit: 0 }],
    });
    const selection = selectRunsToLaunch({ queued, inProgress: [], config: settings, paused: false });
    expect(selection.launch.map((r) => r.id)).toEqual(["a", "b"]);
  });
});

describe("why a run waits", () => {
  const dbLimit = config({ max_concurrent_runs: 3, tag_concurrency_limits: [{ key: "db", value: "tiny", limit: 1 }] });

  it.each<{ name: string; input: Parameters<typeof selectRunsToLaunch>[0]; rest: unknown }>([
    {
      name: "paused by an operator",
      input: { queued: [run("a")], inProgress: [], config: config(), paused: true },
      rest: { reason: "paused", paused_by: "operator" },
    },
    {
      name: "paused in the instance config",
      input: { queued: [run("a")], inProgress: [], config: config({ paused: true }), paused: false },
      rest: { reason: "paused", paused_by: "instance_config" },
    },
    {
      name: "max_concurrent_runs full, with how full",
      input: { queued: [run("a")], inProgress: held(4), config: config({ max_concurrent_runs: 3 }), paused: false },
      rest: { reason: "max_concurrent_runs", limit: 3, in_use: 4 },
    },
    {
      name: "max_concurrent_runs of 0",
      input: { queued: [run("a")], inProgress: [], config: config({ max_concurrent_runs: 0 }), paused: false },
      rest: { reason: "blocked_by_zero_limit", limit: { kind: "max_concurrent_runs" } },
    },
  ])("gives the rest of the queue one reason when $name", ({ input, rest }) => {
    expect(selectRunsToLaunch(input).rest).toEqual(rest);
  });

  it("names the full tag limit and every run holding it, including one launched in the same pass", () => {
    const selection = selectRunsToLaunch({
      queued: [run("tiny-1", { db: "tiny" }, 1), run("tiny-2", { db: "tiny" }, 2)],
      inProgress: [],
      config: dbLimit,
      paused: false,
    });
    expect(selection.waiting).toEqual([
      {
        runId: "tiny-2",
        reason: {
          reason: "tag_limit",
          limits: [{ kind: "value", key: "db", value: "tiny", limit: 1, in_use: 1, held_by: ["tiny-1"] }],
        },
      },
    ]);
  });

  it("names a tag limit of 0 as the reason rather than a full limit", () => {
    const settings = config({
      tag_concurrency_limits: [
        { key: "db", limit: 1 },
        { key: "team", value: { applyLimitPerUniqueValue: true }, limit: 0 },
      ],
    });
    const selection = selectRunsToLaunch({
      queued: [run("a", { db: "x", team: "red" })],
      inProgress: [{ id: "busy", tags: { db: "y" } }],
      config: settings,
      paused: false,
    });
    expect(selection.waiting[0]?.reason).toEqual({
      reason: "blocked_by_zero_limit",
      limit: { kind: "per_unique_value", key: "team", value: "red" },
    });
  });

  it("describes every run of the queue, each with its own most lasting reason", () => {
    const queued = [
      run("tiny-1", { db: "tiny" }, 1),
      run("tiny-2", { db: "tiny" }, 2),
      run("big", {}, 3),
      run("other", {}, 4),
    ];
    const described = describeQueue({ queued, inProgress: held(1), config: dbLimit, paused: false });
    expect(described.launch.map((r) => r.id)).toEqual(["tiny-1", "big"]);
    expect(described.rest).toBeNull();
    expect(described.waiting.map((w) => [w.runId, w.reason.reason])).toEqual([
      ["tiny-2", "tag_limit"],
      ["other", "max_concurrent_runs"],
    ]);
  });
});

describe("queuePositions", () => {
  it("numbers runs from 1 by priority, then enqueue time, then id", () => {
    const positions = queuePositions([
      run("late", {}, 20),
      run("b-early", {}, 10),
      run("a-early", {}, 10),
      run("urgent", { [TAG.priority]: "1" }, 30),
    ]);
    expect([...positions]).toEqual([
      ["urgent", 1],
      ["a-early", 2],
      ["b-early", 3],
      ["late", 4],
    ]);
  });
});
