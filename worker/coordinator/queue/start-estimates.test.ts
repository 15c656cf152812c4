import { describe, expect, it } from "vitest";
import type { QueuedRun, QueuePolicyConfig } from "./queue-policy";
import { estimateStartTimes, type RunInProgress, type StartEstimateInput, typicalDurationMs } from "./start-estimates";

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;
const TEN_MINUTES = [10 * MINUTE];

function config(overrides: Partial<QueuePolicyConfig> = {}): QueuePolicyConfig {
  return { type: "queued", max_concurrent_runs: 10, tag_concurrency_limits: [], paused: false, ...overrides };
}

function queued(...runs: [id: string, tags?: Record<string, string>][]): QueuedRun[] {
  return runs.map(([id, tags = {}], index) => ({ id, tags, enqueuedAt: index }));
}

function running(id: string, minutesAgo: number, tags: Record<string, string> = {}): RunInProgress {
  return { id, tags, launchedAt: NOW - minutesAgo * MINUTE };
}

function estimate(input: Partial<StartEstimateInput>): Record<string, number | null> {
  const estimates = estimateStartTimes({
    queued: [],
    inProgress: [],
    config: config(),
    paused: false,
    recentDurationsMs: TEN_MINUTES,
    now: NOW,
    ...input,
  });
  return Object.fromEntries(
    estimates.map((e) => [e.runId, e.estimatedStartAt === null ? null : (e.estimatedStartAt - NOW) / MINUTE]),
  );
}

// Estimates below are in minutes from now; every run takes the typical duration of 10 minutes.
describe("estimateStartTimes", () => {
  it.each<{ name: string; input: Partial<StartEstimateInput>; expected: Record<string, number | null> }>([
    {
      name: "starts a run at once when the global limit has a free slot",
      input: { queued: queued(["a"]), inProgress: [running("r", 1)] },
      expected: { a: 0 },
    },
    {
      name: "starts queued runs as the runs in progress end, one slot each, in launch order",
      input: {
        queued: queued(["a"], ["b"], ["c"]),
        inProgress: [running("r1", 4), running("r2", 8)],
        config: config({ max_concurrent_runs: 2 }),
      },
      expected: { a: 2, b: 6, c: 12 },
    },
    {
      name: "gives no estimate behind a run already past the typical duration: when it ends is unknown",
      input: { queued: queued(["a"]), inProgress: [running("r", 45)], config: config({ max_concurrent_runs: 1 }) },
      expected: { a: null },
    },
    {
      name: "estimates from the slot that frees first when another holder has outrun the typical duration",
      input: {
        queued: queued(["a"], ["b"]),
        inProgress: [running("late", 45), running("r", 4)],
        config: config({ max_concurrent_runs: 2 }),
      },
      expected: { a: 6, b: 16 },
    },
    {
      name: "still starts at once a run no outrunning holder blocks",
      input: {
        queued: queued(["a", { db: "x" }], ["b", { db: "y" }]),
        inProgress: [running("late", 45, { db: "x" })],
        config: config({ max_concurrent_runs: -1, tag_concurrency_limits: [{ key: "db", value: "x", limit: 1 }] }),
      },
      expected: { a: null, b: 0 },
    },
    {
      name: "lets a run start before an earlier one that waits on a tag limit, as the queue does",
      input: {
        queued: queued(["tiny-1", { db: "tiny" }], ["large", { db: "large" }], ["tiny-2", { db: "tiny" }]),
        inProgress: [running("r", 5, { db: "tiny" })],
        config: config({ max_concurrent_runs: -1, tag_concurrency_limits: [{ key: "db", value: "tiny", limit: 1 }] }),
      },
      expected: { "tiny-1": 5, large: 0, "tiny-2": 15 },
    },
    {
      name: "waits for enough runs to end when a lowered limit is over-full",
      input: {
        queued: queued(["a"]),
        inProgress: [running("r1", 9), running("r2", 6), running("r3", 2)],
        config: config({ max_concurrent_runs: 2 }),
      },
      expected: { a: 4 },
    },
    {
      name: "gives no estimate to a run behind a limit of 0, and lets it hold no slot",
      input: {
        queued: queued(["blocked", { db: "x" }], ["free"]),
        inProgress: [running("r", 0)],
        config: config({ max_concurrent_runs: 1, tag_concurrency_limits: [{ key: "db", limit: 0 }] }),
      },
      expected: { blocked: null, free: 10 },
    },
    {
      name: "gives no estimate while the queue is paused",
      input: { queued: queued(["a"]), paused: true },
      expected: { a: null },
    },
    {
      name: "gives no estimate with no run history",
      input: { queued: queued(["a"]), recentDurationsMs: [] },
      expected: { a: null },
    },
    {
      name: "starts every run now under the default coordinator",
      input: { queued: queued(["a"], ["b"]), config: config({ type: "default", max_concurrent_runs: 0 }) },
      expected: { a: 0, b: 0 },
    },
  ])("$name", ({ input, expected }) => {
    expect(estimate(input)).toEqual(expected);
  });
});

describe("typicalDurationMs", () => {
  it.each([
    { name: "the middle of an odd count, ignoring an outlier", durations: [1, 100_000, 3], typical: 3 },
    { name: "the mean of the two middles of an even count", durations: [4, 1, 3, 2], typical: 2.5 },
    { name: "nothing from no history", durations: [], typical: null },
    { name: "only finite, non-negative durations", durations: [Number.NaN, -5, 7], typical: 7 },
  ])("is $name", ({ durations, typical }) => {
    expect(typicalDurationMs(durations)).toBe(typical);
  });
});
