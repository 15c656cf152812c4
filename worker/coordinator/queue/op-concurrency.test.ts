import { describe, expect, it } from "vitest";
import type { PoolsConfig } from "../pools/pool-leases";
import { createOpConcurrencyGate, OpConcurrencyCounter, type PoolGateState } from "./op-concurrency";

const POOLS: PoolsConfig = { default_limit: null, limits: { warehouse: 1, s3: 2 }, lease_seconds: 60 };
const EMPTY: PoolGateState = { occupancy: [], launched: [] };

describe("OpConcurrencyCounter.blockedBy (Dagster's GlobalOpConcurrencyLimitsCounter.is_blocked)", () => {
  const cases: {
    name: string;
    needs: Record<string, number> | null;
    state?: PoolGateState;
    buffer?: number;
    pools?: PoolsConfig;
    blocked: boolean;
  }[] = [
    { name: "a run whose first steps need no pool", needs: null, blocked: false },
    { name: "a pool with a free slot", needs: { warehouse: 1 }, blocked: false },
    {
      name: "a pool whose slot is held",
      needs: { warehouse: 1 },
      state: { occupancy: [{ pool: "warehouse", held: 1, waiting: 0 }], launched: [] },
      blocked: true,
    },
    {
      name: "a pool with a claim waiting in line",
      needs: { warehouse: 1 },
      state: { occupancy: [{ pool: "warehouse", held: 0, waiting: 1 }], launched: [] },
      blocked: true,
    },
    {
      name: "a pool whose slot a launched run will claim",
      needs: { warehouse: 1 },
      state: { occupancy: [], launched: [{ warehouse: 1 }] },
      blocked: true,
    },
    {
      name: "a full pool within the slot buffer",
      needs: { warehouse: 1 },
      state: { occupancy: [{ pool: "warehouse", held: 1, waiting: 0 }], launched: [] },
      buffer: 1,
      blocked: false,
    },
    {
      name: "a full pool past the slot buffer",
      needs: { warehouse: 1 },
      state: { occupancy: [{ pool: "warehouse", held: 1, waiting: 1 }], launched: [] },
      buffer: 1,
      blocked: true,
    },
    {
      name: "one full pool and one with room: a first step can start",
      needs: { warehouse: 1, s3: 1 },
      state: { occupancy: [{ pool: "warehouse", held: 1, waiting: 0 }], launched: [] },
      blocked: false,
    },
    {
      name: "every pool full",
      needs: { warehouse: 1, s3: 1 },
      state: {
        occupancy: [
          { pool: "warehouse", held: 1, waiting: 0 },
          { pool: "s3", held: 1, waiting: 0 },
        ],
        launched: [{ s3: 1 }],
      },
      blocked: true,
    },
    {
      name: "a pool with no limit and no default",
      needs: { other: 1 },
      state: { occupancy: [{ pool: "other", held: 50, waiting: 0 }], launched: [] },
      blocked: false,
    },
    {
      name: "a pool limited by default_limit",
      needs: { other: 1 },
      state: { occupancy: [{ pool: "other", held: 3, waiting: 0 }], launched: [] },
      pools: { ...POOLS, default_limit: 3 },
      blocked: true,
    },
    {
      name: "a pool of limit 0",
      needs: { zero: 1 },
      pools: { ...POOLS, limits: { zero: 0 } },
      blocked: true,
    },
  ];
  for (const c of cases) {
    it(`${c.blocked ? "blocks" : "lets through"}: ${c.name}`, () => {
      const counter = new OpConcurrencyCounter(c.pools ?? POOLS, c.buffer ?? 0, c.state ?? EMPTY);
      expect(counter.blockedBy(c.needs) !== null).toBe(c.blocked);
    });
  }

  it("says how full each pool is", () => {
    const counter = new OpConcurrencyCounter(POOLS, 0, {
      occupancy: [
        { pool: "warehouse", held: 1, waiting: 2 },
        { pool: "s3", held: 1, waiting: 0 },
      ],
      launched: [{ s3: 1 }, { s3: 1 }],
    });
    expect(counter.blockedBy({ warehouse: 1, s3: 2 })).toEqual([
      { pool: "warehouse", limit: 1, in_use: 1, waiting: 2, launched: 0 },
      { pool: "s3", limit: 2, in_use: 1, waiting: 0, launched: 2 },
    ]);
  });

  it("counts the runs the pass launched (Dagster's update_counters_with_launched_item)", () => {
    const counter = new OpConcurrencyCounter(POOLS, 0, EMPTY);
    expect(counter.blockedBy({ s3: 1 })).toBeNull();
    counter.add({ s3: 2 });
    expect(counter.blockedBy({ s3: 1 })).toEqual([{ pool: "s3", limit: 2, in_use: 0, waiting: 0, launched: 2 }]);
  });
});

describe("createOpConcurrencyGate", () => {
  it("is null when the setting is off", () => {
    expect(createOpConcurrencyGate({ enabled: false, op_concurrency_slot_buffer: 0 }, POOLS, EMPTY, () => null)).toBe(
      null,
    );
  });

  it("gives the wait reason and counts a launched run's needs", () => {
    const needs = new Map([
      ["a", { warehouse: 1 }],
      ["b", { warehouse: 1 }],
    ]);
    const gate = createOpConcurrencyGate(
      { enabled: true, op_concurrency_slot_buffer: 0 },
      POOLS,
      EMPTY,
      (id) => needs.get(id) ?? null,
    );
    expect(gate?.waitOf({ id: "a" })).toBeNull();
    gate?.launched({ id: "a" });
    expect(gate?.waitOf({ id: "b" })).toEqual({
      reason: "op_concurrency_pools",
      pools: [{ pool: "warehouse", limit: 1, in_use: 0, waiting: 0, launched: 1 }],
      slot_buffer: 0,
    });
    expect(gate?.waitOf({ id: "no-needs" })).toBeNull();
  });
});
