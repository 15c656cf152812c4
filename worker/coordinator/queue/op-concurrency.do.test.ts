/**
 * Runs held in the queue by op concurrency pools (`run_coordinator.block_op_concurrency_limited_runs`)
 * in workerd: real submits through the API to the run coordinator object, the first steps' pools
 * taken from the fake code location's definitions, real slot claims and releases by run token,
 * lease expiry by the object's alarm, and the wait reason as `GET /api/queue` shows it.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Definitions, QueueReplySchema, type Run } from "../../../protocol";
import { useCoordinatorClock } from "../../test/coordinator-clock";
import { type FakeCodeLocation, interceptCodeLocations, SAMPLE_DEFINITIONS } from "../../test/fake-code-location";
import { getRunReply, newFake, registerFake, submitGreet } from "../../test/fixtures";
import { call, useCleanDatabase } from "../../test/helpers";
import { saveOverrides } from "../../test/run-coordinator-type";
import { coordinatorStub } from "../coordinator-stub";

useCleanDatabase();
const { manualClock } = useCoordinatorClock();

/** The sample definitions, the first (and only) step of `greet` in `pool`. */
function definitionsWithPool(pool: string): Definitions {
  return {
    ...SAMPLE_DEFINITIONS,
    jobs: SAMPLE_DEFINITIONS.jobs.map((job) =>
      job.name === "greet" ? { ...job, nodes: job.nodes.map((node) => ({ ...node, pool })) } : job,
    ),
  };
}

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
const stub = () => coordinatorStub(env);

async function configure(
  block: { enabled: boolean; op_concurrency_slot_buffer?: number },
  pools: { limits?: Record<string, number>; lease_seconds?: number } = { limits: { warehouse: 1 } },
) {
  await saveOverrides({
    run_coordinator: { type: "queued", max_concurrent_runs: 10, block_op_concurrency_limited_runs: block },
    concurrency: { pools },
  });
  await stub().configChanged();
}

async function submitted(): Promise<Run> {
  const run = await submitGreet();
  await stub().settle();
  return getRunReply(run.id);
}

function tokenOf(runId: string): string {
  const launch = fake.launches.find((l) => l.run_id === runId);
  if (!launch) throw new Error(`run ${runId} was not launched`);
  return launch.run_token;
}

async function claim(runId: string, pool = "warehouse") {
  const res = await call("POST", `/api/runs/${runId}/pool-slots`, {
    token: tokenOf(runId),
    body: { step_key: "greet", pool, wait_ms: 0 },
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function release(runId: string) {
  const res = await call("DELETE", `/api/runs/${runId}/pool-slots/greet`, { token: tokenOf(runId) });
  expect(res.status).toBe(200);
}

async function queue() {
  const res = await call("GET", "/api/queue");
  expect(res.status).toBe(200);
  return QueueReplySchema.parse(await res.json());
}

const launched = (runId: string) => fake.launches.some((l) => l.run_id === runId);

beforeEach(async () => {
  fake = newFake();
  fake.definitions = definitionsWithPool("warehouse");
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(async () => {
  await stub().settle();
  spy.mockRestore();
});

describe("block_op_concurrency_limited_runs", () => {
  it("keeps a run QUEUED while its first step's pool is full, says why, and launches it when the slot frees", async () => {
    await configure({ enabled: true });
    const a = await submitted();
    expect(a.status).toBe("STARTING");
    // A launched but has not claimed yet: its first step's slot is counted for it.
    const b = await submitted();
    expect(b.status).toBe("QUEUED");
    expect(launched(b.id)).toBe(false);
    const waiting = (await queue()).queued.find((run) => run.run_id === b.id);
    expect(waiting?.wait).toEqual({
      reason: "op_concurrency_pools",
      pools: [{ pool: "warehouse", limit: 1, in_use: 0, waiting: 0, launched: 1 }],
      slot_buffer: 0,
    });

    // A claims: now its slot is held, and B still waits.
    expect(await claim(a.id)).toMatchObject({ status: "GRANTED" });
    await stub().settle();
    expect((await getRunReply(b.id)).status).toBe("QUEUED");
    expect((await queue()).queued[0]?.wait).toMatchObject({
      reason: "op_concurrency_pools",
      pools: [{ pool: "warehouse", in_use: 1, launched: 0 }],
    });

    await release(a.id);
    await stub().settle();
    expect(launched(b.id)).toBe(true);
    expect((await getRunReply(b.id)).status).toBe("STARTING");
    expect((await queue()).total_queued).toBe(0);
  });

  it("launches at once, to wait in its run worker, when the setting is off (the default)", async () => {
    await configure({ enabled: false });
    const a = await submitted();
    await claim(a.id);
    const b = await submitted();
    expect(b.status).toBe("STARTING");
    expect(launched(b.id)).toBe(true);
  });

  it("launches slot_buffer runs beyond the free slots, and holds the next", async () => {
    await configure({ enabled: true, op_concurrency_slot_buffer: 1 });
    const a = await submitted();
    await claim(a.id);
    const b = await submitted();
    expect(b.status).toBe("STARTING");
    const c = await submitted();
    expect(c.status).toBe("QUEUED");
    expect((await queue()).queued[0]?.wait).toEqual({
      reason: "op_concurrency_pools",
      pools: [{ pool: "warehouse", limit: 1, in_use: 1, waiting: 0, launched: 1 }],
      slot_buffer: 1,
    });
  });

  it("never holds back a run whose first step's pool has no limit", async () => {
    await configure({ enabled: true }, { limits: {} });
    const a = await submitted();
    await claim(a.id);
    expect((await submitted()).status).toBe("STARTING");
  });

  it("counts a raised limit at once", async () => {
    await configure({ enabled: true });
    const a = await submitted();
    await claim(a.id);
    const b = await submitted();
    expect(b.status).toBe("QUEUED");
    await configure({ enabled: true }, { limits: { warehouse: 2 } });
    await stub().settle();
    expect((await getRunReply(b.id)).status).toBe("STARTING");
  });

  it("launches the held run when the holder's lease runs out (the object's alarm)", async () => {
    const clock = await manualClock();
    await configure({ enabled: true }, { limits: { warehouse: 1 }, lease_seconds: 1 });
    const a = await submitted();
    await claim(a.id);
    const b = await submitted();
    expect(b.status).toBe("QUEUED");
    clock.advance(1_100);
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await stub().settle();
    expect((await getRunReply(b.id)).status).toBe("STARTING");
  });

  it("stops counting a launched run that ended before it claimed", async () => {
    await configure({ enabled: true });
    const a = await submitted();
    const b = await submitted();
    expect(b.status).toBe("QUEUED");
    const res = await call("POST", `/api/runs/${a.id}/events`, {
      token: tokenOf(a.id),
      body: {
        events: [
          { seq: 1, type: "RUN_START", ts: Date.now() },
          { seq: 2, type: "RUN_FAILURE", ts: Date.now() },
        ],
      },
    });
    expect(res.status).toBeLessThan(300);
    await stub().settle();
    await expect.poll(async () => (await getRunReply(b.id)).status).toBe("STARTING");
  });
});
