/**
 * What the run coordinator object does for op concurrency pools (DESIGN.md §2), kept out of the
 * object's file: each method reads the pool's state from PoolStore, asks pool-leases.ts for the
 * decision, saves it, and wakes the claims waiting on a pool when a slot frees. A claim may wait
 * on the object for a while (a long poll): it is woken the moment a slot of its pool frees, so
 * a step starts without polling delay and without a request per second per waiting step.
 *
 * Waiters live in memory only: if the object restarts, their requests fail and the run workers
 * ask again; their places in line are in storage and survive.
 */
import type { Pool, PoolListReply, PoolSlotClaimReply, PoolSlotRenewReply } from "../../../protocol";
import type { Clock } from "../clock";
import type { PoolNeeds } from "../queue/first-step-pools";
import {
  type BlockOpConcurrencyConfig,
  createOpConcurrencyGate,
  type OpConcurrencyGate,
  type PoolGateState,
} from "../queue/op-concurrency";
import {
  decideClaim,
  decideRenewal,
  leaseMsOf,
  livePoolState,
  nextExpiryAt,
  type PoolState,
  type PoolsConfig,
  resolvePoolLimit,
  selectExpired,
} from "./pool-leases";
import { PoolNeedsStore } from "./pool-needs-store";
import { PoolStore } from "./pool-store";

/** Plain data, to cross the object's RPC: the gate's state and the first steps' pools of some runs. */
export type PoolGateView = {
  readonly state: PoolGateState;
  readonly needs: readonly { readonly runId: string; readonly needs: PoolNeeds }[];
};

export type PoolClaimInput = { runId: string; stepKey: string; pool: string; waitMs: number };

export class PoolSlots {
  readonly #store: PoolStore;
  /** The pools runs' first steps need, from submit to first claim (pool-needs-store.ts). */
  readonly #needs: PoolNeedsStore;
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly clock: Clock,
  ) {
    this.#store = new PoolStore(storage);
    this.#needs = new PoolNeedsStore(storage);
  }

  /** A run submitted: the pools its first steps need (queue/first-step-pools.ts; null: none can hold it back). */
  noteNeeds(runId: string, needs: PoolNeeds | null | undefined): void {
    if (needs) this.#needs.save(runId, needs);
  }

  /**
   * The admission pass's view of the pools (queue/op-concurrency.ts), or null when
   * `block_op_concurrency_limited_runs` is off. `launched`: the runs in progress, of which those
   * that have not claimed a slot yet count their first steps' needs.
   */
  gate(
    config: { block_op_concurrency_limited_runs: BlockOpConcurrencyConfig; pools: PoolsConfig },
    launched: readonly { readonly id: string }[],
    now: number,
  ): OpConcurrencyGate | null {
    const { block_op_concurrency_limited_runs: block, pools } = config;
    if (!block.enabled) return null;
    return createOpConcurrencyGate(block, pools, this.gateState(pools, launched, now), (id) => this.#needs.get(id));
  }

  /** What the gate counts besides a queued run's own needs, as plain data (for the queue view too). */
  gateState(pools: PoolsConfig, launched: readonly { readonly id: string }[], now: number): PoolGateState {
    const live = livePoolState(this.#store.all(), now, leaseMsOf(pools));
    const occupancy = new Map<string, { pool: string; held: number; waiting: number }>();
    const entry = (pool: string) => {
      const found = occupancy.get(pool) ?? { pool, held: 0, waiting: 0 };
      occupancy.set(pool, found);
      return found;
    };
    for (const lease of live.leases) entry(lease.pool).held += 1;
    for (const claim of live.claims) entry(claim.pool).waiting += 1;
    return {
      occupancy: [...occupancy.values()],
      launched: launched.flatMap((run) => {
        const needs = this.#needs.get(run.id);
        return needs ? [needs] : [];
      }),
    };
  }

  /**
   * What the queue view needs to say which runs of a page wait for pools: the gate's state and the
   * needs of the page's runs (those with none left out); null when the setting is off.
   */
  gateView(
    config: {
      run_coordinator: { block_op_concurrency_limited_runs: BlockOpConcurrencyConfig };
      concurrency: { pools: PoolsConfig };
    },
    page: readonly { readonly id: string }[],
    launched: readonly { readonly id: string }[],
    now: number,
  ): PoolGateView | null {
    if (!config.run_coordinator.block_op_concurrency_limited_runs.enabled) return null;
    const { pools } = config.concurrency;
    const needs: { runId: string; needs: PoolNeeds }[] = [];
    for (const { id } of page) {
      const found = this.#needs.get(id);
      if (found) needs.push({ runId: id, needs: found });
    }
    return { state: this.gateState(pools, launched, now), needs };
  }

  /**
   * Grants a slot, or waits for one up to `waitMs` (never more than half a lease, so the claim
   * stays live in line while its request is held) and answers WAITING with its position.
   */
  async claim(input: PoolClaimInput, config: () => Promise<PoolsConfig>): Promise<PoolSlotClaimReply> {
    // From its first claim on, the run counts in the pool by its claims and leases, not its needs.
    this.#needs.forget([input.runId]);
    const deadline = this.clock.now() + Math.min(input.waitMs, leaseMsOf(await config()) / 2);
    for (;;) {
      const pools = await config();
      const leaseMs = leaseMsOf(pools);
      const now = this.clock.now();
      const { limit } = resolvePoolLimit(pools, input.pool);
      const decision = decideClaim(this.#store.pool(input.pool), input, limit, now, leaseMs);
      if (decision.kind === "granted") {
        this.#store.saveLease(decision.lease);
        await this.arm(leaseMs);
        return {
          status: "GRANTED",
          pool: input.pool,
          step_key: input.stepKey,
          expires_at: decision.lease.expiresAt,
          lease_ms: leaseMs,
        };
      }
      this.#store.saveClaim(decision.claim);
      await this.arm(leaseMs);
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) {
        return {
          status: "WAITING",
          pool: input.pool,
          step_key: input.stepKey,
          limit: decision.limit,
          in_use: decision.inUse,
          position: decision.position,
        };
      }
      await this.#waitForChange(input.pool, remaining);
    }
  }

  async renew(runId: string, stepKeys: readonly string[], pools: PoolsConfig): Promise<PoolSlotRenewReply> {
    const leaseMs = leaseMsOf(pools);
    const decision = decideRenewal(this.#store.leasesOfRun(runId), runId, stepKeys, this.clock.now(), leaseMs);
    for (const lease of decision.renewed) this.#store.saveLease(lease);
    await this.arm(leaseMs);
    return {
      renewed: decision.renewed.map((lease) => ({ step_key: lease.stepKey, expires_at: lease.expiresAt })),
      lost: decision.lost,
    };
  }

  /** The step ended: its slot goes to the next claim in line at once. */
  release(runId: string, stepKey: string): boolean {
    const pool = this.#store.release(runId, stepKey);
    if (pool !== null) this.#wake([pool]);
    return pool !== null;
  }

  /** The runs ended (the run-ended notification): their slots and places in line are freed. */
  releaseRuns(runIds: readonly string[]): void {
    this.#needs.forget(runIds);
    this.#wake(this.#store.releaseRuns(runIds));
  }

  /** The alarm: frees what ran out, wakes those pools' waiters, re-arms for the next expiry. True when a slot freed. */
  async expire(pools: PoolsConfig, now: number): Promise<boolean> {
    const leaseMs = leaseMsOf(pools);
    const expired = selectExpired(this.#store.all(), now, leaseMs);
    this.#store.remove(expired);
    this.#wake(expired.pools);
    await this.arm(leaseMs, true);
    return expired.pools.length > 0;
  }

  /** Limits changed: every waiting claim asks again. */
  wakeAll(): void {
    this.#wake([...this.#waiters.keys()]);
  }

  /** Every pool the object knows of (held or waited on) plus `named` (configured or named by ops). */
  list(pools: PoolsConfig, named: readonly string[], now: number): PoolListReply {
    const leaseMs = leaseMsOf(pools);
    const live = livePoolState(this.#store.all(), now, leaseMs);
    const names = new Set([...named, ...Object.keys(pools.limits), ...live.leases.map((l) => l.pool)]);
    for (const claim of live.claims) names.add(claim.pool);
    return {
      pools: [...names].sort().map((name) => describePool(name, live, pools)),
      lease_seconds: pools.lease_seconds,
    };
  }

  pool(name: string, pools: PoolsConfig, now: number): Pool {
    return describePool(name, livePoolState(this.#store.pool(name), now, leaseMsOf(pools)), pools);
  }

  /** Sets the object's one alarm no later than the next expiry (it may already be earlier). */
  async arm(leaseMs: number, inAlarm = false): Promise<void> {
    const next = nextExpiryAt(this.#store.all(), leaseMs);
    if (next === null) return;
    const current = await this.storage.getAlarm();
    // Inside the alarm handler, a time already past is the alarm now running: replace it.
    const stale = inAlarm && current !== null && current <= this.clock.now();
    if (current === null || stale || next < current) await this.storage.setAlarm(next);
  }

  #waitForChange(pool: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(pool) ?? new Set<() => void>();
      this.#waiters.set(pool, waiters);
      const done = () => {
        this.clock.clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(pool) === waiters) this.#waiters.delete(pool);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      waiters.add(done);
    });
  }

  #wake(pools: readonly string[]): void {
    for (const pool of pools) for (const wake of [...(this.#waiters.get(pool) ?? [])]) wake();
  }
}

function describePool(name: string, live: PoolState, pools: PoolsConfig): Pool {
  const { limit, source } = resolvePoolLimit(pools, name);
  const slots = live.leases.filter((l) => l.pool === name);
  return {
    pool: name,
    limit,
    limit_source: source,
    in_use: slots.length,
    slots: slots.map((l) => ({
      run_id: l.runId,
      step_key: l.stepKey,
      granted_at: l.grantedAt,
      expires_at: l.expiresAt,
    })),
    waiting: live.claims
      .filter((c) => c.pool === name)
      .map((c) => ({ run_id: c.runId, step_key: c.stepKey, since: c.since })),
  };
}
