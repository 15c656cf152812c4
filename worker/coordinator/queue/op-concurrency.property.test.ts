/**
 * The admission pass with op concurrency pools, against a reference model written from Dagster's
 * rule (GlobalOpConcurrencyLimitsCounter.is_blocked with update_counters_with_launched_item): the
 * queue walked in launch order, a run launched unless every pool its first steps need is full
 * (free slots + buffer ≤ 0), each launch taking its first steps' slots from the runs after it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PoolsConfig } from "../pools/pool-leases";
import type { PoolNeeds } from "./first-step-pools";
import { createOpConcurrencyGate, type PoolGateState } from "./op-concurrency";
import { type QueuedRun, selectRunsToLaunch, sortQueue } from "./queue-policy";

const POOLS = ["warehouse", "s3", "free"] as const;

const needsArb: fc.Arbitrary<PoolNeeds | null> = fc.option(
  fc
    .dictionary(fc.constantFrom(...POOLS), fc.integer({ min: 1, max: 2 }), { minKeys: 1, maxKeys: 2 })
    .map((needs) => needs as PoolNeeds),
  { nil: null },
);

const scenarioArb = fc.record({
  needs: fc.array(needsArb, { minLength: 1, maxLength: 12 }),
  // "free" has no limit; the others 0..3.
  limits: fc.record({ warehouse: fc.integer({ min: 0, max: 3 }), s3: fc.integer({ min: 0, max: 3 }) }),
  held: fc.record({ warehouse: fc.nat(3), s3: fc.nat(3), free: fc.nat(3) }),
  waiting: fc.record({ warehouse: fc.nat(2), s3: fc.nat(2), free: fc.nat(2) }),
  launched: fc.array(needsArb, { maxLength: 3 }),
  buffer: fc.nat(2),
  maxConcurrentRuns: fc.constantFrom(-1, 1, 3, 20),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
const NONE: PoolNeeds = {};

function model(s: Scenario, order: readonly QueuedRun[], needsOf: Map<string, PoolNeeds | null>) {
  const used = new Map<string, number>();
  for (const pool of POOLS) used.set(pool, s.held[pool] + s.waiting[pool]);
  for (const needs of s.launched)
    for (const [pool, n] of Object.entries(needs ?? NONE)) used.set(pool, (used.get(pool) ?? 0) + n);
  const limitOf = (pool: string): number | null => (pool === "free" ? null : s.limits[pool as "warehouse" | "s3"]);
  const launched: string[] = [];
  for (const run of order) {
    if (s.maxConcurrentRuns !== -1 && launched.length >= s.maxConcurrentRuns) break;
    const needs = needsOf.get(run.id) ?? null;
    const blocked =
      needs !== null &&
      Object.keys(needs).every((pool) => {
        const limit = limitOf(pool);
        return limit !== null && limit - (used.get(pool) ?? 0) + s.buffer <= 0;
      });
    if (blocked) continue;
    launched.push(run.id);
    for (const [pool, n] of Object.entries(needs ?? NONE)) used.set(pool, (used.get(pool) ?? 0) + n);
  }
  return launched;
}

describe("the admission pass with block_op_concurrency_limited_runs", () => {
  it("launches exactly the runs Dagster's rule launches, and says every other one waits for pools", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const runs: QueuedRun[] = s.needs.map((_, i) => ({
          id: `r${String(i).padStart(2, "0")}`,
          tags: {},
          enqueuedAt: i,
        }));
        const needsOf = new Map(runs.map((run, i) => [run.id, s.needs[i] ?? null]));
        const pools: PoolsConfig = { default_limit: null, limits: s.limits, lease_seconds: 60 };
        const state: PoolGateState = {
          occupancy: POOLS.map((pool) => ({ pool, held: s.held[pool], waiting: s.waiting[pool] })),
          launched: s.launched.flatMap((needs) => (needs ? [needs] : [])),
        };
        const gate = createOpConcurrencyGate(
          { enabled: true, op_concurrency_slot_buffer: s.buffer },
          pools,
          state,
          (id) => needsOf.get(id) ?? null,
        );
        const config = {
          type: "queued" as const,
          max_concurrent_runs: s.maxConcurrentRuns,
          tag_concurrency_limits: [],
          paused: false,
        };
        const order = sortQueue(runs);
        const selection = selectRunsToLaunch({
          queued: order,
          inProgress: [],
          config,
          paused: false,
          opConcurrency: gate,
        });
        const expected = model(s, order, needsOf);
        expect(selection.launch.map((run) => run.id)).toEqual(expected);
        // A run left for pools says so, naming only pools that are limited.
        for (const wait of selection.waiting) {
          if (wait.reason.reason !== "op_concurrency_pools") continue;
          for (const usage of wait.reason.pools) expect(usage.pool).not.toBe("free");
        }
        // Below the global limit, every run not launched waits for pools.
        if (s.maxConcurrentRuns === -1 || expected.length < s.maxConcurrentRuns) {
          expect(selection.waiting.every((w) => w.reason.reason === "op_concurrency_pools")).toBe(true);
          expect(selection.launch.length + selection.waiting.length).toBe(runs.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
