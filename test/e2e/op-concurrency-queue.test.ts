/**
 * Runs held in the queue by an op concurrency pool, end to end: `wrangler dev`, a real
 * `flightdeck serve` of fixtures/pool-first-location.ts (a job whose first step needs the pool
 * "warehouse", limit 1) and real run workers claiming its slot. With
 * `run_coordinator.block_op_concurrency_limited_runs` on, a second run stays QUEUED with the wait
 * reason `op_concurrency_pools` while the first holds the slot, and launches once it frees — its
 * step never waits in its run worker; with the setting off, it launches at once and waits there.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstancePatchReplySchema, PoolSchema, QueueReplySchema, type StoredEvent } from "../../protocol";
import {
  type CodeLocationServer,
  REPO_ROOT,
  registerCodeLocation,
  startCodeLocation,
  stopStack,
} from "../../scripts/lib/local-stack";
import { type E2EStack, startE2EStack, waitUntil } from "../support/e2e-stack";

const FIXTURE = path.join(REPO_ROOT, "test/e2e/fixtures/pool-first-location.ts");

let stack: E2EStack;
let location: CodeLocationServer;

beforeAll(async () => {
  stack = await startE2EStack({
    vars: {
      INSTANCE_CONFIG: JSON.stringify({
        run_coordinator: { max_concurrent_runs: 10, block_op_concurrency_limited_runs: { enabled: true } },
        concurrency: { pools: { limits: { warehouse: 1 } } },
      }),
    },
  });
  location = await startCodeLocation({ name: "pools", file: FIXTURE, dataDir: path.join(stack.dir, "pools") });
  const registered = await registerCodeLocation(stack.controlPlane, location);
  if (registered.status !== "LOADED") throw new Error(`pools did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await stopStack([location], undefined);
  await stack?.teardown();
});

const client = () => stack.controlPlane.client;
const warehouse = () => client().request("GET", "/api/concurrency/pools/warehouse", PoolSchema);
const queue = () => client().request("GET", "/api/queue", QueueReplySchema);

/** A run of warehouse_first whose step holds the slot until `name`'s release file exists. */
function submitHolder(name: string) {
  const releaseFile = path.join(stack.dir, `release-${name}`);
  const release = () => writeFileSync(releaseFile, "");
  return client()
    .submitRun({
      location: "pools",
      job: "warehouse_first",
      run_config: { ops: { hold: { config: { release_file: releaseFile } } } },
    })
    .then((run) => ({ run, release }));
}

async function holdsSlot(runId: string) {
  await waitUntil(
    async () => (await warehouse()).slots.some((s) => s.run_id === runId),
    30_000,
    `${runId} to hold the slot`,
  );
}

const waitedInRunWorker = (events: StoredEvent[]) =>
  events.filter((e) => e.type === "ENGINE_EVENT" && /waits for a slot of pool "warehouse"/.test(e.message ?? ""));

function stepInterval(events: StoredEvent[]): [number, number] {
  const start = events.find((e) => e.type === "STEP_START" && e.step_key === "hold");
  const end = events.find((e) => e.type === "STEP_SUCCESS" && e.step_key === "hold");
  if (!start || !end) throw new Error("step hold did not start and succeed");
  return [start.ts, end.ts];
}

describe("block_op_concurrency_limited_runs against the control plane", () => {
  it("keeps a run QUEUED while the pool its first step needs is full, and launches it when the slot frees", async () => {
    const first = await submitHolder("a");
    await holdsSlot(first.run.id);
    const second = await submitHolder("b");
    second.release(); // its step ends as soon as it runs: all that matters is when it launches

    expect((await client().getRun(second.run.id)).status).toBe("QUEUED");
    const shown = (await queue()).queued.find((q) => q.run_id === second.run.id);
    expect(shown?.wait).toEqual({
      reason: "op_concurrency_pools",
      pools: [{ pool: "warehouse", limit: 1, in_use: 1, waiting: 0, launched: 0 }],
      slot_buffer: 0,
    });
    // Still queued while the slot is held: it did not launch to wait in a run worker.
    await holdsSlot(first.run.id);
    expect((await client().getRun(second.run.id)).status).toBe("QUEUED");
    expect(await client().listEvents(second.run.id)).not.toContainEqual(
      expect.objectContaining({ type: "RUN_STARTING" }),
    );

    first.release();
    const [a, b] = await Promise.all([
      client().waitForRun(first.run.id, { timeoutMs: 60_000 }),
      client().waitForRun(second.run.id, { timeoutMs: 60_000 }),
    ]);
    expect([a.status, b.status]).toEqual(["SUCCESS", "SUCCESS"]);
    const [eventsA, eventsB] = await Promise.all([client().listEvents(a.id), client().listEvents(b.id)]);
    // It launched after the slot freed, and its step found the slot free.
    const [, endA] = stepInterval(eventsA);
    const starting = eventsB.find((e) => e.type === "RUN_STARTING");
    expect(starting?.ts).toBeGreaterThanOrEqual(endA);
    expect(waitedInRunWorker(eventsB)).toEqual([]);
  });

  it("launches at once, its step waiting in the run worker, when the setting is off", async () => {
    await client().request("PATCH", "/api/instance", InstancePatchReplySchema, {
      run_coordinator: { block_op_concurrency_limited_runs: { enabled: false } },
    });
    const first = await submitHolder("c");
    await holdsSlot(first.run.id);
    const second = await submitHolder("d");
    second.release();
    expect((await client().getRun(second.run.id)).status).not.toBe("QUEUED");
    await waitUntil(
      async () => waitedInRunWorker(await client().listEvents(second.run.id)).length > 0,
      30_000,
      "the second run's step to wait for the slot in its run worker",
    );
    first.release();
    const [a, b] = await Promise.all([
      client().waitForRun(first.run.id, { timeoutMs: 60_000 }),
      client().waitForRun(second.run.id, { timeoutMs: 60_000 }),
    ]);
    expect([a.status, b.status]).toEqual(["SUCCESS", "SUCCESS"]);
  });
});
