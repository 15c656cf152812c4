import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TagConcurrencyLimit, tagLimitKind } from "../../../protocol/instance-config";
import type { TagLimitUsage, WaitReason } from "../../../protocol/queue";
import type { TaggedRun } from "../../../protocol/tag-limits";
import { TAG } from "../../../protocol/tags";
import {
  describeQueue,
  type QueuePolicyConfig,
  type QueueSelection,
  selectRunsToLaunch,
  sortQueue,
} from "./queue-policy";

// A reference model written from Dagster's rules, independent of protocol/tag-limits.ts.
function applies(limit: TagConcurrencyLimit, run: TaggedRun): boolean {
  const value = run.tags[limit.key];
  return value !== undefined && (tagLimitKind(limit) !== "value" || value === limit.value);
}

/** The runs of `held` that a limit counts when `run` asks it for room. */
function holders(limit: TagConcurrencyLimit, run: TaggedRun, held: readonly TaggedRun[]): TaggedRun[] {
  if (!applies(limit, run)) return [];
  const kind = tagLimitKind(limit);
  if (kind === "key") return held.filter((other) => limit.key in other.tags);
  return held.filter((other) => other.tags[limit.key] === run.tags[limit.key]);
}

function wouldBreakALimit(run: TaggedRun, held: readonly TaggedRun[], config: QueuePolicyConfig): boolean {
  if (config.max_concurrent_runs !== -1 && held.length >= config.max_concurrent_runs) return true;
  return config.tag_concurrency_limits.some(
    (limit) => applies(limit, run) && holders(limit, run, held).length >= limit.limit,
  );
}

const KEYS = ["db", "team", "user"] as const;
const VALUES = ["a", "b", "c"] as const;
const tagsArb = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }),
    fc.option(fc.oneof(fc.integer({ min: -2, max: 2 }).map(String), fc.constant("urgent")), { nil: undefined }),
  )
  .map(([tags, priority]) => (priority === undefined ? tags : { ...tags, [TAG.priority]: priority }));
const limitArb: fc.Arbitrary<TagConcurrencyLimit> = fc.record({
  key: fc.constantFrom(...KEYS),
  value: fc.option(fc.oneof(fc.constantFrom(...VALUES), fc.constant({ applyLimitPerUniqueValue: true })), {
    nil: undefined,
  }),
  limit: fc.integer({ min: 0, max: 3 }),
});
const scenarioArb = fc.record({
  queued: fc.array(fc.record({ tags: tagsArb, enqueuedAt: fc.integer({ min: 0, max: 5 }) }), { maxLength: 12 }),
  running: fc.array(tagsArb, { maxLength: 6 }),
  config: fc.record({
    type: fc.constant("queued" as const),
    max_concurrent_runs: fc.integer({ min: -1, max: 8 }),
    // The schema refuses two limits on the same key and value; so does this generator.
    tag_concurrency_limits: fc.uniqueArray(limitArb, {
      maxLength: 4,
      selector: (limit) => `${limit.key}|${tagLimitKind(limit)}|${typeof limit.value === "string" ? limit.value : ""}`,
    }),
    paused: fc.boolean(),
  }),
  paused: fc.boolean(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(scenario: Scenario) {
  const queued = sortQueue(scenario.queued.map((run, index) => ({ id: `q-${index}`, ...run })));
  const inProgress: TaggedRun[] = scenario.running.map((tags, index) => ({ id: `p-${index}`, tags }));
  return { queued, inProgress, config: scenario.config, paused: scenario.paused };
}

function checkUsage(usage: TagLimitUsage, run: TaggedRun, held: readonly TaggedRun[], config: QueuePolicyConfig) {
  const limit = config.tag_concurrency_limits.find(
    (candidate) =>
      candidate.key === usage.key &&
      tagLimitKind(candidate) === usage.kind &&
      (usage.kind !== "value" || candidate.value === usage.value),
  );
  expect(limit).toBeDefined();
  if (!limit) return;
  expect(applies(limit, run)).toBe(true);
  const counted = holders(limit, run, held).map((holder) => holder.id);
  expect(usage.limit).toBe(limit.limit);
  expect(usage.in_use).toBe(counted.length);
  expect(usage.in_use).toBeGreaterThanOrEqual(usage.limit);
  expect([...usage.held_by].sort()).toEqual(counted.sort());
}

/** Property 4: re-check that the named limit really is full once this pass's launches count. */
function checkReason(
  reason: WaitReason,
  run: TaggedRun | null,
  held: readonly TaggedRun[],
  input: ReturnType<typeof build>,
) {
  const { config } = input;
  switch (reason.reason) {
    case "paused":
      expect(reason.paused_by).toBe(input.paused ? "operator" : "instance_config");
      expect(input.paused || config.paused).toBe(true);
      return;
    case "max_concurrent_runs":
      expect(reason).toEqual({ reason: "max_concurrent_runs", limit: config.max_concurrent_runs, in_use: held.length });
      expect(reason.limit).not.toBe(-1);
      expect(reason.in_use).toBeGreaterThanOrEqual(reason.limit);
      return;
    case "blocked_by_zero_limit":
      if (reason.limit.kind === "max_concurrent_runs") expect(config.max_concurrent_runs).toBe(0);
      else {
        const zero = reason.limit;
        const match = config.tag_concurrency_limits.find(
          (limit) =>
            limit.key === zero.key &&
            tagLimitKind(limit) === zero.kind &&
            (zero.kind !== "value" || limit.value === zero.value) &&
            limit.limit === 0,
        );
        expect(match && run && applies(match, run)).toBe(true);
      }
      return;
    case "tag_limit":
      expect(run).not.toBeNull();
      for (const usage of reason.limits) if (run) checkUsage(usage, run, held, config);
  }
}

function checkSelection(input: ReturnType<typeof build>, selection: QueueSelection) {
  const launched = new Set(selection.launch.map((run) => run.id));
  const held: TaggedRun[] = [...input.inProgress];
  const waiting = new Map(selection.waiting.map((entry) => [entry.runId, entry.reason]));
  const paused = input.paused || input.config.paused;
  for (const run of input.queued) {
    const blocked = paused || wouldBreakALimit(run, held, input.config);
    // Properties 1 and 2: a run launches exactly when, in launch order, launching it breaks no limit.
    if (launched.has(run.id)) {
      expect(blocked).toBe(false);
      held.push(run);
    } else if (waiting.has(run.id) || selection.rest === null) {
      expect(blocked).toBe(true);
    }
  }
  expect(selection.launch).toEqual(input.queued.filter((run) => launched.has(run.id)));
  for (const run of input.queued) {
    const reason = waiting.get(run.id) ?? (launched.has(run.id) ? null : selection.rest);
    if (!launched.has(run.id)) expect(reason).not.toBeNull();
    if (reason) checkReason(reason, waiting.has(run.id) ? run : null, held, input);
  }
}

describe("queue policy properties", () => {
  it("never exceeds max_concurrent_runs or a tag limit, counting runs in progress and launched (1)", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = build(scenario);
        const { launch } = selectRunsToLaunch(input);
        const all = [...input.inProgress, ...launch];
        if (launch.length > 0 && input.config.max_concurrent_runs !== -1) {
          expect(all.length).toBeLessThanOrEqual(input.config.max_concurrent_runs);
        }
        for (const run of launch) {
          for (const limit of input.config.tag_concurrency_limits) {
            expect(holders(limit, run, all).length).toBeLessThanOrEqual(limit.limit);
          }
        }
      }),
    );
  });

  it("leaves a run waiting only if launching it, in launch order, would break a limit (2), with a true reason (4)", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = build(scenario);
        checkSelection(input, selectRunsToLaunch(input));
        checkSelection(input, describeQueue(input));
      }),
    );
  });

  it("launches nothing while paused, by an operator or by the config (3)", () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom("operator", "config"), (scenario, by) => {
        const input = build({
          ...scenario,
          paused: by === "operator",
          config: { ...scenario.config, paused: by === "config" },
        });
        expect(selectRunsToLaunch(input).launch).toEqual([]);
        const described = describeQueue(input);
        expect(described.launch).toEqual([]);
        expect(new Set(described.waiting.map((entry) => entry.reason.reason))).toEqual(
          new Set(input.queued.length > 0 ? ["paused"] : []),
        );
      }),
    );
  });

  it("gives the same launches whether it stops early or reads the whole queue", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = build(scenario);
        expect(selectRunsToLaunch(input).launch).toEqual(describeQueue(input).launch);
      }),
    );
  });
});
