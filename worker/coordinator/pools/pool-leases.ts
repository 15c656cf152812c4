/**
 * Op concurrency pool slots as leases (DESIGN.md §2), as pure decisions: whether a step's claim
 * is granted or waits (and in which position), which leases a renewal extends, which leases and
 * waiting claims have run out. Dagster's concurrency pools (`ConcurrencyClaimStatus`, its slot
 * table), except that a slot here frees itself when its lease is not renewed, so a run worker
 * killed while holding one never deadlocks the pool.
 *
 * Waiting claims are served first come, first served: a claim is granted only when the free
 * slots outnumber the live claims that waited longer. A waiting claim stays live while its run
 * worker keeps polling (at least once per lease); one that stops polling is forgotten.
 *
 * No storage, no clock: state, `now` and the lease length in; a decision out.
 */

export interface PoolLease {
  readonly pool: string;
  readonly runId: string;
  readonly stepKey: string;
  readonly grantedAt: number;
  readonly expiresAt: number;
}

export interface PoolClaim {
  readonly pool: string;
  readonly runId: string;
  readonly stepKey: string;
  /** When the claim first waited: its place in line. */
  readonly since: number;
  /** When its run worker last asked; it is forgotten one lease after that. */
  readonly lastSeenAt: number;
}

/** One pool's state, as the store holds it (expired entries included; the decisions ignore them). */
export interface PoolState {
  readonly leases: readonly PoolLease[];
  readonly claims: readonly PoolClaim[];
}

export type PoolsConfig = {
  readonly default_limit: number | null;
  readonly limits: Readonly<Record<string, number>>;
  readonly lease_seconds: number;
};

export type LimitSource = "pool" | "default" | "none";

/** A pool's limit: its own entry, else `default_limit`; null is unlimited (Dagster's default). */
export function resolvePoolLimit(config: PoolsConfig, pool: string): { limit: number | null; source: LimitSource } {
  const own = config.limits[pool];
  if (own !== undefined) return { limit: own, source: "pool" };
  if (config.default_limit !== null) return { limit: config.default_limit, source: "default" };
  return { limit: null, source: "none" };
}

export const leaseMsOf = (config: PoolsConfig): number => Math.round(config.lease_seconds * 1000);

type StepRef = { readonly runId: string; readonly stepKey: string };
const sameStep = (a: StepRef, b: StepRef) => a.runId === b.runId && a.stepKey === b.stepKey;

export const isLeaseLive = (lease: PoolLease, now: number): boolean => lease.expiresAt > now;
export const isClaimLive = (claim: PoolClaim, now: number, leaseMs: number): boolean =>
  claim.lastSeenAt + leaseMs > now;

/** Line order: who waited first; ties broken by run and step so the order is total. */
function compareClaims(a: PoolClaim, b: PoolClaim): number {
  return a.since - b.since || a.runId.localeCompare(b.runId) || a.stepKey.localeCompare(b.stepKey);
}

/** The live leases and the live claims of a pool, in line order. */
export function livePoolState(state: PoolState, now: number, leaseMs: number): PoolState {
  const leases = state.leases.filter((lease) => isLeaseLive(lease, now));
  const claims = state.claims
    .filter((claim) => isClaimLive(claim, now, leaseMs) && !leases.some((lease) => sameStep(lease, claim)))
    .sort(compareClaims);
  return { leases, claims };
}

export type ClaimDecision =
  | { readonly kind: "granted"; readonly lease: PoolLease; readonly renewed: boolean }
  | {
      readonly kind: "waiting";
      readonly claim: PoolClaim;
      readonly position: number;
      readonly limit: number | null;
      readonly inUse: number;
    };

/**
 * A step asks for a slot of `claim.pool`. Granted when it already holds one (the lease is renewed:
 * a retried request is harmless) or when the free slots outnumber the claims ahead of it;
 * otherwise it waits, keeping its place in line (`since`) and marking itself seen.
 */
export function decideClaim(
  state: PoolState,
  claim: StepRef & { readonly pool: string },
  limit: number | null,
  now: number,
  leaseMs: number,
): ClaimDecision {
  const live = livePoolState(state, now, leaseMs);
  const held = live.leases.find((lease) => sameStep(lease, claim));
  if (held) return { kind: "granted", lease: { ...held, expiresAt: now + leaseMs }, renewed: true };
  const mine = live.claims.find((c) => sameStep(c, claim));
  const ahead = mine ? live.claims.indexOf(mine) : live.claims.length;
  const free = limit === null ? Number.POSITIVE_INFINITY : limit - live.leases.length;
  if (free > ahead) {
    const lease = {
      pool: claim.pool,
      runId: claim.runId,
      stepKey: claim.stepKey,
      grantedAt: now,
      expiresAt: now + leaseMs,
    };
    return { kind: "granted", lease, renewed: false };
  }
  return {
    kind: "waiting",
    claim: { pool: claim.pool, runId: claim.runId, stepKey: claim.stepKey, since: mine?.since ?? now, lastSeenAt: now },
    position: ahead + 1,
    limit,
    inUse: live.leases.length,
  };
}

export type RenewDecision = { readonly renewed: PoolLease[]; readonly lost: string[] };

/** A run worker renews the slots of its steps: live leases of that run are extended, the rest are lost. */
export function decideRenewal(
  leasesOfRun: readonly PoolLease[],
  runId: string,
  stepKeys: readonly string[],
  now: number,
  leaseMs: number,
): RenewDecision {
  const renewed: PoolLease[] = [];
  const lost: string[] = [];
  for (const stepKey of new Set(stepKeys)) {
    const lease = leasesOfRun.find((l) => l.runId === runId && l.stepKey === stepKey);
    if (lease && isLeaseLive(lease, now)) renewed.push({ ...lease, expiresAt: now + leaseMs });
    else lost.push(stepKey);
  }
  return { renewed, lost };
}

export type ExpiryDecision = {
  readonly leases: PoolLease[];
  readonly claims: PoolClaim[];
  /** Pools where a slot or a place in line was freed: their waiters should ask again. */
  readonly pools: string[];
};

/** What has run out by `now`: leases not renewed in time, claims whose run worker stopped asking. */
export function selectExpired(state: PoolState, now: number, leaseMs: number): ExpiryDecision {
  const leases = state.leases.filter((lease) => !isLeaseLive(lease, now));
  const claims = state.claims.filter((claim) => !isClaimLive(claim, now, leaseMs));
  const pools = [...new Set([...leases, ...claims].map((entry) => entry.pool))].sort();
  return { leases, claims, pools };
}

/** When the next lease or claim runs out, for the object's alarm; null when nothing is held. */
export function nextExpiryAt(state: PoolState, leaseMs: number): number | null {
  const times = [
    ...state.leases.map((lease) => lease.expiresAt),
    ...state.claims.map((claim) => claim.lastSeenAt + leaseMs),
  ];
  return times.length === 0 ? null : Math.min(...times);
}
