/**
 * Op concurrency pools in workerd: claims, renewals and releases through the real API and the run
 * coordinator object's RPC, lease expiry through its real alarm, slots freed by the run-ended
 * path, and the operator's routes (limit set with an audit row).
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  PoolListReplySchema,
  PoolSchema,
  type PoolSlotClaimReply,
  PoolSlotClaimReplySchema,
  PoolSlotRenewReplySchema,
} from "../../../protocol";
import { useCoordinatorClock } from "../../test/coordinator-clock";
import type { FakeCodeLocation } from "../../test/fake-code-location";
import { interceptCodeLocations } from "../../test/fake-code-location";
import { newFake, registerFake, submitGreet } from "../../test/fixtures";
import { call, expectError, useCleanDatabase } from "../../test/helpers";
import { saveOverrides } from "../../test/run-coordinator-type";
import { coordinatorStub } from "../coordinator-stub";

useCleanDatabase();
const { manualClock } = useCoordinatorClock();

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
const stub = () => coordinatorStub(env);

async function configure(pools: { limits?: Record<string, number>; lease_seconds?: number }) {
  await saveOverrides({ run_coordinator: { type: "queued", max_concurrent_runs: 10 }, concurrency: { pools } });
  await stub().configChanged();
}

/** A launched run and its run token. */
async function launchedRun(): Promise<{ id: string; token: string }> {
  const run = await submitGreet();
  await stub().settle();
  const launch = fake.launches.find((l) => l.run_id === run.id);
  if (!launch) throw new Error("the run was not launched");
  return { id: run.id, token: launch.run_token };
}

async function claim(run: { id: string; token: string }, step: string, pool: string, waitMs = 0) {
  const res = await call("POST", `/api/runs/${run.id}/pool-slots`, {
    token: run.token,
    body: { step_key: step, pool, wait_ms: waitMs },
  });
  expect(res.status).toBe(200);
  return PoolSlotClaimReplySchema.parse(await res.json());
}

async function release(run: { id: string; token: string }, step: string) {
  const res = await call("DELETE", `/api/runs/${run.id}/pool-slots/${step}`, { token: run.token });
  expect(res.status).toBe(200);
  return (await res.json()) as { released: boolean };
}

async function poolView(pool: string) {
  const res = await call("GET", `/api/concurrency/pools/${pool}`);
  expect(res.status).toBe(200);
  return PoolSchema.parse(await res.json());
}

/** Once the object holds this run's claim in line (its request now waits on the object). */
async function waitingInLine(pool: string, runId: string) {
  await expect.poll(async () => (await poolView(pool)).waiting.map((w) => w.run_id)).toContain(runId);
}

beforeEach(async () => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(async () => {
  await stub().settle();
  spy.mockRestore();
});

describe("claiming pool slots", () => {
  it("grants up to the limit, makes the next step wait in line, and hands the slot over on release", async () => {
    await configure({ limits: { warehouse: 1 } });
    const a = await launchedRun();
    const b = await launchedRun();
    expect(await claim(a, "load", "warehouse")).toMatchObject({ status: "GRANTED", lease_ms: 60_000 });
    expect(await claim(b, "load", "warehouse")).toEqual({
      status: "WAITING",
      pool: "warehouse",
      step_key: "load",
      limit: 1,
      in_use: 1,
      position: 1,
    });
    const view = await poolView("warehouse");
    expect(view).toMatchObject({ limit: 1, limit_source: "pool", in_use: 1 });
    expect(view.slots.map((s) => [s.run_id, s.step_key])).toEqual([[a.id, "load"]]);
    expect(view.waiting.map((w) => w.run_id)).toEqual([b.id]);
    expect(await release(a, "load")).toEqual({ released: true });
    expect(await claim(b, "load", "warehouse")).toMatchObject({ status: "GRANTED" });
    expect(await release(a, "load")).toEqual({ released: false });
  });

  it("answers a long-polling claim the moment the slot frees, not when its wait runs out", async () => {
    // The object's clock stands still, so the claim's 10 s wait can never run out: only the release can answer it.
    const clock = await manualClock();
    await configure({ limits: { api: 1 } });
    const a = await launchedRun();
    const b = await launchedRun();
    await claim(a, "call", "api");
    const started = clock.now();
    const waiting = claim(b, "call", "api", 10_000);
    await waitingInLine("api", b.id);
    await release(a, "call");
    const reply: PoolSlotClaimReply = await waiting;
    expect(reply.status).toBe("GRANTED");
    expect(clock.now() - started).toBeLessThan(5_000);
  });

  it("grants every step of a pool with no limit, and treats a repeated claim as a renewal", async () => {
    await configure({});
    const a = await launchedRun();
    expect(await claim(a, "x", "free")).toMatchObject({ status: "GRANTED" });
    expect(await claim(a, "y", "free")).toMatchObject({ status: "GRANTED" });
    expect(await claim(a, "x", "free")).toMatchObject({ status: "GRANTED" });
    expect(await poolView("free")).toMatchObject({ limit: null, limit_source: "none", in_use: 2 });
  });

  it("takes only the run's own run token", async () => {
    await configure({});
    const a = await launchedRun();
    const body = { step_key: "x", pool: "p" };
    await expectError(await call("POST", `/api/runs/${a.id}/pool-slots`, { token: null, body }), 401, "unauthorized");
    await expectError(await call("POST", `/api/runs/${a.id}/pool-slots`, { body }), 403, "forbidden");
    await expectError(
      await call("POST", `/api/runs/${a.id}/pool-slots`, { token: a.token, body: { step_key: "x", pool: "" } }),
      422,
      "validation_failed",
    );
  });
});

describe("leases", () => {
  it("renews the run's live leases and reports the ones it no longer holds", async () => {
    await configure({ limits: { db: 2 } });
    const a = await launchedRun();
    const granted = await claim(a, "q", "db");
    const res = await call("POST", `/api/runs/${a.id}/pool-slots/renew`, {
      token: a.token,
      body: { step_keys: ["q", "gone"] },
    });
    const renewal = PoolSlotRenewReplySchema.parse(await res.json());
    expect(renewal.lost).toEqual(["gone"]);
    expect(renewal.renewed[0]?.expires_at).toBeGreaterThanOrEqual(
      granted.status === "GRANTED" ? granted.expires_at : 0,
    );
  });

  it("frees an unrenewed lease by the object's alarm, so a dead run worker does not block the pool", async () => {
    const clock = await manualClock();
    await configure({ limits: { etl: 1 }, lease_seconds: 1 });
    const a = await launchedRun();
    const b = await launchedRun();
    await claim(a, "load", "etl");
    expect(await claim(b, "load", "etl")).toMatchObject({ status: "WAITING" });
    clock.advance(1_100);
    // The lease ran out on the object's clock: run its alarm as workerd would.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect((await poolView("etl")).slots).toEqual([]);
    expect(await claim(b, "load", "etl")).toMatchObject({ status: "GRANTED", lease_ms: 1_000 });
  });

  it("frees a run's slots and places in line when the run ends (the run-ended notification)", async () => {
    await configure({ limits: { s3: 1 } });
    const a = await launchedRun();
    const b = await launchedRun();
    await claim(a, "put", "s3");
    await claim(b, "put", "s3");
    const res = await call("POST", `/api/runs/${a.id}/events`, {
      token: a.token,
      body: {
        events: [
          { seq: 1, type: "RUN_START", ts: Date.now() },
          { seq: 2, type: "RUN_FAILURE", ts: Date.now() },
        ],
      },
    });
    expect(res.status).toBe(200);
    await stub().settle();
    await expect.poll(async () => (await poolView("s3")).slots.map((s) => s.run_id)).toEqual([]);
    expect(await claim(b, "put", "s3")).toMatchObject({ status: "GRANTED" });
  });
});

describe("the operator's routes", () => {
  it("lists configured pools, pools the definitions name and pools in use", async () => {
    await configure({ limits: { configured: 3 } });
    const a = await launchedRun();
    await claim(a, "x", "in_use");
    const res = await call("GET", "/api/concurrency/pools");
    const reply = PoolListReplySchema.parse(await res.json());
    expect(reply.lease_seconds).toBe(60);
    expect(reply.pools.map((p) => p.pool)).toEqual(expect.arrayContaining(["configured", "in_use"]));
  });

  it("sets a pool's limit as an audited override, keeping the other pools' limits, and wakes waiting claims", async () => {
    await manualClock(); // standing still: the claim's wait cannot run out, only the new limit answers it
    await configure({ limits: { other: 4, gpu: 0 } });
    const a = await launchedRun();
    const waiting = claim(a, "train", "gpu", 10_000);
    await waitingInLine("gpu", a.id);
    const res = await call("PUT", "/api/concurrency/pools/gpu", { body: { limit: 2 } });
    expect(res.status).toBe(200);
    expect(PoolSchema.parse(await res.json())).toMatchObject({ pool: "gpu", limit: 2, limit_source: "pool" });
    expect((await waiting).status).toBe("GRANTED");
    expect((await poolView("other")).limit).toBe(4);
    const audit = await env.DB.prepare(
      "SELECT actor, action, target FROM audit_log WHERE action = 'pool.update'",
    ).all();
    expect(audit.results).toEqual([{ actor: "admin token", action: "pool.update", target: "gpu" }]);
  });

  it("refuses a negative limit and a non-admin caller", async () => {
    await expectError(await call("PUT", "/api/concurrency/pools/x", { body: { limit: -1 } }), 422, "validation_failed");
    await expectError(
      await call("PUT", "/api/concurrency/pools/x", { body: { limit: 1.5 } }),
      422,
      "validation_failed",
    );
    await expectError(
      await call("PUT", "/api/concurrency/pools/a%20b", { body: { limit: 1 } }),
      422,
      "validation_failed",
    );
    await expectError(await call("GET", "/api/concurrency/pools", { token: null }), 401, "unauthorized");
    await expectError(await call("DELETE", "/api/concurrency/pools/x", { token: null }), 401, "unauthorized");
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'pool.%'").first<{ n: number }>())
        ?.n,
    ).toBe(0);
  });

  it("deletes a pool's own limit as an audited override: the default applies again, the other pools keep theirs", async () => {
    await configure({ limits: { other: 4, gpu: 1 } });
    await call("PUT", "/api/concurrency/pools/new_pool", { body: { limit: 3 } });
    expect((await poolView("new_pool")).limit).toBe(3);
    const res = await call("DELETE", "/api/concurrency/pools/new_pool");
    expect(res.status).toBe(200);
    expect(PoolSchema.parse(await res.json())).toMatchObject({ pool: "new_pool", limit: null, limit_source: "none" });
    // A limit configured before is deleted the same way; the other pools keep theirs.
    await call("DELETE", "/api/concurrency/pools/gpu");
    expect(await poolView("gpu")).toMatchObject({ limit: null, limit_source: "none" });
    expect((await poolView("other")).limit).toBe(4);
    const audit = await env.DB.prepare(
      "SELECT action, target FROM audit_log WHERE action LIKE 'pool.%' ORDER BY id",
    ).all();
    expect(audit.results).toEqual([
      { action: "pool.update", target: "new_pool" },
      { action: "pool.delete", target: "new_pool" },
      { action: "pool.delete", target: "gpu" },
    ]);
  });

  it("refuses to delete a limit a pool does not have, storing nothing", async () => {
    await configure({ limits: { other: 4 } });
    const refused = await expectError(await call("DELETE", "/api/concurrency/pools/gpu"), 404, "not_found");
    expect(refused.message).toContain("gpu has no limit of its own");
    await expectError(await call("DELETE", "/api/concurrency/pools/a%20b"), 422, "validation_failed");
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'pool.%'").first<{ n: number }>())
        ?.n,
    ).toBe(0);
    expect((await poolView("other")).limit).toBe(4);
  });
});
