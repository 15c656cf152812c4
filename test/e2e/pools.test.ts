/**
 * Op concurrency pools end to end: `wrangler dev`, two real `flightdeck serve` of the pools
 * example (one of them with a job whose slot the test releases: fixtures/gated-pools-location.ts),
 * real run workers claiming slots of the pool "warehouse" (limit 1) from the run coordinator
 * object. The test makes the two runs contend for the slot, then checks from the event log that
 * they did not overlap; the lease with a run worker killed by SIGKILL while its code location
 * server is frozen (SIGSTOP), so nothing reports the run's end and only the lease can free the slot.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComputeLogReplySchema, PoolSchema, type StoredEvent } from "../../protocol";
import { type CodeLocationServer, REPO_ROOT, registerCodeLocation, stopStack } from "../../scripts/lib/local-stack";
import { type E2EStack, runWorkerPid, startCodeLocation, startE2EStack, waitUntil } from "../support/e2e-stack";

const LEASE_SECONDS = 3;
const EXAMPLE_FILE = path.join(REPO_ROOT, "examples/pools/location.ts");
const GATED_FILE = path.join(REPO_ROOT, "test/e2e/fixtures/gated-pools-location.ts");

let stack: E2EStack;
let pools: CodeLocationServer;
let poolsB: CodeLocationServer;

async function startPools(name: string, file: string) {
  const server = await startCodeLocation({ name, file, dataDir: path.join(stack.dir, name) });
  const registered = await registerCodeLocation(stack.controlPlane, server);
  if (registered.status !== "LOADED") throw new Error(`${name} did not load: ${registered.load_error}`);
  return server;
}

beforeAll(async () => {
  stack = await startE2EStack({
    vars: {
      INSTANCE_CONFIG: JSON.stringify({
        run_coordinator: { max_concurrent_runs: 10 },
        concurrency: { pools: { limits: { warehouse: 1 }, lease_seconds: LEASE_SECONDS } },
      }),
    },
  });
  [pools, poolsB] = await Promise.all([startPools("pools", GATED_FILE), startPools("pools_b", EXAMPLE_FILE)]);
});
afterAll(async () => {
  await stopStack([pools, poolsB], undefined);
  await stack?.teardown();
});

const warehouse = () => stack.controlPlane.client.request("GET", "/api/concurrency/pools/warehouse", PoolSchema);

/** [STEP_START, end] of one step in one run's event log. */
function interval(events: StoredEvent[], step: string): [number, number] {
  const start = events.find((e) => e.type === "STEP_START" && e.step_key === step);
  const end = events.find((e) => (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE") && e.step_key === step);
  if (!start || !end) throw new Error(`step ${step} did not start and end`);
  return [start.ts, end.ts];
}

const waitsFor = (events: StoredEvent[]) =>
  events.filter((e) => e.type === "ENGINE_EVENT" && /waits for a slot of pool "warehouse"/.test(e.message ?? ""));

describe("op concurrency pools against the control plane", () => {
  it("two runs sharing a pool of limit 1 never overlap in that op (in-process and multiprocess)", async () => {
    const { client } = stack.controlPlane;
    const releaseFile = path.join(stack.dir, "release-warehouse");
    const a = await client.submitRun({
      location: "pools",
      job: "warehouse_load_gated",
      run_config: { ops: { load: { config: { release_file: releaseFile } } } },
    });
    // The first run holds the slot until the second has asked for it and been told to wait.
    await waitUntil(async () => (await warehouse()).slots.some((s) => s.run_id === a.id), 30_000, "the first slot");
    const b = await client.submitRun({ location: "pools_b", job: "warehouse_load_mp" });
    await waitUntil(async () => waitsFor(await client.listEvents(b.id)).length > 0, 30_000, "the second claim to wait");
    writeFileSync(releaseFile, "");
    const [runA, runB] = await Promise.all([
      client.waitForRun(a.id, { timeoutMs: 60_000 }),
      client.waitForRun(b.id, { timeoutMs: 60_000 }),
    ]);
    expect([runA.status, runB.status]).toEqual(["SUCCESS", "SUCCESS"]);
    const [eventsA, eventsB] = await Promise.all([client.listEvents(a.id), client.listEvents(b.id)]);
    const [, endA] = interval(eventsA, "load");
    const [startB] = interval(eventsB, "load");
    expect(startB).toBeGreaterThanOrEqual(endA);
    // The second said it waited for the pool, once; the first never waited.
    expect(waitsFor(eventsA)).toEqual([]);
    expect(waitsFor(eventsB)).toHaveLength(1);
    expect((await warehouse()).slots).toEqual([]);
    // What the in-process step printed is its compute log on the control plane.
    await waitUntil(
      async () => {
        const log = await client.request("GET", `/api/runs/${a.id}/compute-logs/load`, ComputeLogReplySchema);
        return log.stdout.includes("loading 42 rows into the warehouse");
      },
      30_000,
      "the in-process step's compute log",
    );
  });

  it("a run worker killed with SIGKILL while holding a slot does not block the pool past the lease", async () => {
    const { client } = stack.controlPlane;
    const holder = await client.submitRun({ location: "pools", job: "warehouse_hold" });
    await waitUntil(async () => (await warehouse()).slots.some((s) => s.run_id === holder.id), 30_000, "the slot");
    const waiter = await client.submitRun({ location: "pools_b", job: "warehouse_load", run_config: {} });
    await waitUntil(async () => waitsFor(await client.listEvents(waiter.id)).length > 0, 30_000, "the waiting claim");

    // Freeze the holder's code location server so nobody reports the run's end, then kill its run worker.
    const serverPid = pools.process.child.pid;
    const workerPid = runWorkerPid(path.join(stack.dir, "pools"), holder.id);
    if (serverPid === undefined || workerPid === null) throw new Error("no pids");
    process.kill(-serverPid, "SIGSTOP");
    try {
      // The lease as the control plane last renewed it. A renewal between this read and the kill
      // only moves it later, so the slot cannot be given away before this, however loaded the
      // machine (a bound from the kill's own time would assume the renewals ran on time).
      const leaseEnd = (await warehouse()).slots.find((slot) => slot.run_id === holder.id)?.expires_at;
      if (leaseEnd === undefined) throw new Error("the holder's slot is gone before the kill");
      process.kill(workerPid, "SIGKILL");
      // Not reaped while its parent is frozen (a zombie), but dead: it renews nothing from here on.
      const done = await client.waitForRun(waiter.id, { timeoutMs: 30_000 });
      expect(done.status).toBe("SUCCESS");
      const [started] = interval(await client.listEvents(waiter.id), "load");
      // Not freed before its lease ran out. How soon after depends on the machine's load, so only
      // "it was freed" is asserted: the waiter succeeded.
      expect(started).toBeGreaterThanOrEqual(leaseEnd);
      // Nothing ended the holder's run: the slot was freed by its lease alone.
      expect((await client.getRun(holder.id)).status).toBe("STARTED");
    } finally {
      process.kill(-serverPid, "SIGCONT");
    }
    // Once thawed, the server reports the crash and the run ends.
    const ended = await client.waitForRun(holder.id, { timeoutMs: 30_000 });
    expect(ended.status).toBe("FAILURE");
  });
});
