/**
 * Whether a queued run waits for op concurrency pools before it launches
 * (`run_coordinator.block_op_concurrency_limited_runs`, Dagster 1.10+), as a pure decision.
 * Dagster's GlobalOpConcurrencyLimitsCounter (`is_blocked`, pool granularity "op", in
 * python_modules/dagster/dagster/_core/op_concurrency_limits_counter.py), which its
 * QueuedRunCoordinatorDaemon consults after the tag limits
 * (python_modules/dagster/dagster/_daemon/run_coordinator/queued_run_coordinator_daemon.py):
 *
 * - a run none of whose first steps needs a pool, or one of whose first steps needs none, is
 *   never blocked (first-step-pools.ts gives null for it);
 * - a pool with no limit (no entry, no `default_limit`) never blocks;
 * - a pool's free slots are its limit minus the slots held, minus the claims waiting in line
 *   (Dagster's `pending_steps`), minus the first-step slots wanted by runs launched that have not
 *   claimed yet — those of earlier passes and those this pass launched
 *   (`update_counters_with_launched_item`). Dagster counts a run's first steps while it is
 *   STARTING or STARTED less than 5 s ago; here until its run worker's first claim, which is what
 *   those 5 s stand in for;
 * - the run is blocked only when every pool its first steps need has `free + slot_buffer <= 0`
 *   (Dagster's `available_count + slot_count_offset > 0` unblocks): a pool with room lets one of
 *   its first steps start. The buffer launches runs ahead of the free slots, so a slot freed is
 *   taken at once by a run already started.
 *
 * A blocked run does not hold back the runs behind it, as with tag limits.
 */
import type { RunCoordinatorConfig } from "../../../protocol/instance-config";
import type { OpConcurrencyPoolUsage, WaitReason } from "../../../protocol/queue";
import { type PoolsConfig, resolvePoolLimit } from "../pools/pool-leases";
import type { PoolNeeds } from "./first-step-pools";

export type BlockOpConcurrencyConfig = RunCoordinatorConfig["block_op_concurrency_limited_runs"];

/** One pool's live slots and claims in line, as the pool store holds them. */
export type PoolOccupancy = { readonly pool: string; readonly held: number; readonly waiting: number };

/** What the gate counts besides the queued run: plain data, so the object can send it to the queue view. */
export type PoolGateState = {
  readonly occupancy: readonly PoolOccupancy[];
  /** The first-step needs of the runs launched that have not claimed a slot yet. */
  readonly launched: readonly PoolNeeds[];
};

/** Counts one admission pass's use of the pools; `add` each run the pass launches. */
export class OpConcurrencyCounter {
  readonly #occupancy: ReadonlyMap<string, PoolOccupancy>;
  readonly #launched = new Map<string, number>();

  constructor(
    private readonly pools: PoolsConfig,
    private readonly slotBuffer: number,
    state: PoolGateState,
  ) {
    this.#occupancy = new Map(state.occupancy.map((entry) => [entry.pool, entry]));
    for (const needs of state.launched) this.add(needs);
  }

  /** How full each pool the run's first steps need is, when every one is full; null when it may launch. */
  blockedBy(needs: PoolNeeds | null): OpConcurrencyPoolUsage[] | null {
    if (!needs) return null;
    const full: OpConcurrencyPoolUsage[] = [];
    for (const pool of Object.keys(needs)) {
      const { limit } = resolvePoolLimit(this.pools, pool);
      if (limit === null) return null;
      const held = this.#occupancy.get(pool);
      const usage = {
        pool,
        limit,
        in_use: held?.held ?? 0,
        waiting: held?.waiting ?? 0,
        launched: this.#launched.get(pool) ?? 0,
      };
      if (limit - usage.in_use - usage.waiting - usage.launched + this.slotBuffer > 0) return null;
      full.push(usage);
    }
    return full.length > 0 ? full : null;
  }

  add(needs: PoolNeeds | null): void {
    for (const [pool, count] of Object.entries(needs ?? {})) {
      this.#launched.set(pool, (this.#launched.get(pool) ?? 0) + count);
    }
  }
}

/** What the queue policy asks of the pools (queue-policy.ts): why a run waits, and that one launched. */
export interface OpConcurrencyGate {
  waitOf(run: { readonly id: string }): WaitReason | null;
  launched(run: { readonly id: string }): void;
}

/** The gate of one pass, or null when `block_op_concurrency_limited_runs` is off. */
export function createOpConcurrencyGate(
  config: BlockOpConcurrencyConfig,
  pools: PoolsConfig,
  state: PoolGateState,
  needsOf: (runId: string) => PoolNeeds | null,
): OpConcurrencyGate | null {
  if (!config.enabled) return null;
  const slotBuffer = config.op_concurrency_slot_buffer;
  const counter = new OpConcurrencyCounter(pools, slotBuffer, state);
  // A run is asked about, then launched: its needs are read once.
  let last: { id: string; needs: PoolNeeds | null } | null = null;
  const needsOfRun = (id: string) => {
    if (last?.id !== id) last = { id, needs: needsOf(id) };
    return last.needs;
  };
  return {
    waitOf(run) {
      const pools = counter.blockedBy(needsOfRun(run.id));
      return pools ? { reason: "op_concurrency_pools", pools, slot_buffer: slotBuffer } : null;
    },
    launched(run) {
      counter.add(needsOfRun(run.id));
    },
  };
}
