import { describe, expect, it } from "vitest";
import {
  decideClaim,
  decideRenewal,
  nextExpiryAt,
  type PoolClaim,
  type PoolLease,
  type PoolState,
  resolvePoolLimit,
  selectExpired,
} from "./pool-leases";

const LEASE = 10_000;
const NOW = 1_000_000;
const lease = (runId: string, stepKey: string, expiresAt: number, pool = "wh"): PoolLease => ({
  pool,
  runId,
  stepKey,
  grantedAt: expiresAt - LEASE,
  expiresAt,
});
const claim = (runId: string, stepKey: string, since: number, lastSeenAt = NOW - 1, pool = "wh"): PoolClaim => ({
  pool,
  runId,
  stepKey,
  since,
  lastSeenAt,
});
const state = (leases: PoolLease[] = [], claims: PoolClaim[] = []): PoolState => ({ leases, claims });

describe("decideClaim", () => {
  const cases: {
    name: string;
    state: PoolState;
    who: [string, string];
    limit: number | null;
    expect: { kind: "granted"; renewed: boolean } | { kind: "waiting"; position: number; inUse: number };
  }[] = [
    {
      name: "grants a free slot",
      state: state(),
      who: ["r1", "a"],
      limit: 1,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "grants every claim of an unlimited pool",
      state: state([lease("r1", "a", NOW + 5), lease("r2", "a", NOW + 5)]),
      who: ["r3", "a"],
      limit: null,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "makes a claim wait when the live leases fill the limit",
      state: state([lease("r1", "a", NOW + 5)]),
      who: ["r2", "a"],
      limit: 1,
      expect: { kind: "waiting", position: 1, inUse: 1 },
    },
    {
      name: "ignores a lease that expired (its run worker stopped renewing)",
      state: state([lease("r1", "a", NOW)]),
      who: ["r2", "a"],
      limit: 1,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "renews rather than double-counts a slot the step already holds (a retried claim)",
      state: state([lease("r1", "a", NOW + 5)]),
      who: ["r1", "a"],
      limit: 1,
      expect: { kind: "granted", renewed: true },
    },
    {
      name: "keeps a newcomer behind a claim that waited longer, even with a slot free",
      state: state([], [claim("r1", "a", NOW - 50)]),
      who: ["r2", "a"],
      limit: 1,
      expect: { kind: "waiting", position: 2, inUse: 0 },
    },
    {
      name: "grants the first in line when a slot is free",
      state: state([], [claim("r1", "a", NOW - 50), claim("r2", "a", NOW - 10)]),
      who: ["r1", "a"],
      limit: 1,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "grants the second in line when two slots are free",
      state: state([], [claim("r1", "a", NOW - 50), claim("r2", "a", NOW - 10)]),
      who: ["r2", "a"],
      limit: 2,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "skips a claim ahead whose run worker stopped asking a lease ago",
      state: state([], [claim("r1", "a", NOW - 50, NOW - LEASE)]),
      who: ["r2", "a"],
      limit: 1,
      expect: { kind: "granted", renewed: false },
    },
    {
      name: "never grants a slot of a pool whose limit is 0",
      state: state(),
      who: ["r1", "a"],
      limit: 0,
      expect: { kind: "waiting", position: 1, inUse: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = decideClaim(c.state, { runId: c.who[0], stepKey: c.who[1], pool: "wh" }, c.limit, NOW, LEASE);
      expect(decision).toMatchObject(c.expect);
      if (decision.kind === "granted") expect(decision.lease.expiresAt).toBe(NOW + LEASE);
    });
  }

  it("keeps a waiting claim's place in line and marks it seen", () => {
    const decision = decideClaim(
      state([lease("r1", "a", NOW + 5)], [claim("r2", "a", NOW - 50, NOW - 100)]),
      { runId: "r2", stepKey: "a", pool: "wh" },
      1,
      NOW,
      LEASE,
    );
    expect(decision).toMatchObject({ kind: "waiting", claim: { since: NOW - 50, lastSeenAt: NOW } });
  });
});

describe("decideRenewal", () => {
  it("extends the live leases of the run and reports the others lost", () => {
    const leases = [lease("r1", "a", NOW + 5), lease("r1", "b", NOW)];
    const decision = decideRenewal(leases, "r1", ["a", "b", "c", "a"], NOW, LEASE);
    expect(decision.renewed.map((l) => [l.stepKey, l.expiresAt])).toEqual([["a", NOW + LEASE]]);
    expect(decision.lost).toEqual(["b", "c"]);
  });

  it("never renews another run's lease", () => {
    expect(decideRenewal([lease("r2", "a", NOW + 5)], "r1", ["a"], NOW, LEASE).lost).toEqual(["a"]);
  });
});

describe("selectExpired and nextExpiryAt", () => {
  const s = state(
    [lease("r1", "a", NOW), lease("r2", "a", NOW + 1, "api")],
    [claim("r3", "a", NOW - 90, NOW - LEASE, "db"), claim("r4", "a", NOW - 90, NOW - LEASE + 1)],
  );

  it("selects the leases and claims that ran out, and the pools they free", () => {
    const expired = selectExpired(s, NOW, LEASE);
    expect(expired.leases.map((l) => l.runId)).toEqual(["r1"]);
    expect(expired.claims.map((c) => c.runId)).toEqual(["r3"]);
    expect(expired.pools).toEqual(["db", "wh"]);
  });

  it("arms the alarm for the earliest expiry; none when nothing is held", () => {
    expect(nextExpiryAt(s, LEASE)).toBe(NOW - LEASE + LEASE);
    expect(nextExpiryAt(state(), LEASE)).toBeNull();
  });
});

describe("resolvePoolLimit", () => {
  const config = { default_limit: 3, limits: { wh: 1, off: 0 }, lease_seconds: 60 };
  it.each([
    ["wh", { limit: 1, source: "pool" }],
    ["off", { limit: 0, source: "pool" }],
    ["other", { limit: 3, source: "default" }],
  ] as const)("pool %s → %o", (pool, expected) => {
    expect(resolvePoolLimit(config, pool)).toEqual(expected);
  });
  it("is unlimited with neither an entry nor a default", () => {
    expect(resolvePoolLimit({ ...config, default_limit: null }, "other")).toEqual({ limit: null, source: "none" });
  });
});
