/**
 * A run token dies with its run: once the run has ended, every route a run worker calls refuses
 * it with 409 and stores nothing; pool slots are claimed and renewed only while the run is in
 * progress.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Run, RunStatus } from "../../protocol";
import { PoolSchema } from "../../protocol";
import { forceStatus, getRunReply, submitGreet, useRegisteredFake } from "../test/fixtures";
import { call, countAllRows, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
useRunCoordinator("default");
const fake = useRegisteredFake();

async function launched(): Promise<{ run: Run; token: string }> {
  const run = await submitGreet();
  const token = fake().launches.find((l) => l.run_id === run.id)?.run_token;
  if (!token) throw new Error("the run was not launched");
  return { run, token };
}

/** Every write a run worker makes with its token, for one run. */
function runWorkerWrites(runId: string): Array<[string, string, unknown]> {
  return [
    ["POST", `/api/runs/${runId}/events`, { events: [{ seq: 1, type: "RUN_FAILURE", ts: 1 }] }],
    ["POST", `/api/runs/${runId}/compute-logs/greet`, { stream: "stdout", offset: 0, data: "late\n" }],
    ["POST", `/api/runs/${runId}/pool-slots`, { step_key: "greet", pool: "db", wait_ms: 0 }],
    ["POST", `/api/runs/${runId}/pool-slots/renew`, { step_keys: ["greet"] }],
    ["DELETE", `/api/runs/${runId}/pool-slots/greet`, undefined],
  ];
}

async function storedComputeLogKeys(): Promise<number> {
  return (await env.COMPUTE_LOGS.list()).objects.length;
}

describe("the token of an ended run", () => {
  it.each<RunStatus>(["SUCCESS", "FAILURE", "CANCELED"])(
    "is refused with 409 run_ended on every run-worker route after %s, storing nothing",
    async (status) => {
      const { run, token } = await launched();
      await forceStatus(run.id, status);
      const before = { rows: await countAllRows(), logs: await storedComputeLogKeys() };
      for (const [method, path, body] of runWorkerWrites(run.id)) {
        const error = await expectError(await call(method, path, { token, body }), 409, "run_ended");
        expect(error.message).toContain(status);
      }
      expect({ rows: await countAllRows(), logs: await storedComputeLogKeys() }).toEqual(before);
      expect((await getRunReply(run.id)).status).toBe(status);
      const pool = PoolSchema.parse(await (await call("GET", "/api/concurrency/pools/db")).json());
      expect(pool.slots).toEqual([]);
    },
  );

  it("claims no pool slot for a run that is not in progress yet", async () => {
    const { run, token } = await launched();
    await forceStatus(run.id, "QUEUED");
    const res = await call("POST", `/api/runs/${run.id}/pool-slots`, {
      token,
      body: { step_key: "greet", pool: "db", wait_ms: 0 },
    });
    await expectError(res, 409, "run_not_in_progress");
  });

  it("works while the run is in progress", async () => {
    const { run, token } = await launched();
    await forceStatus(run.id, "STARTED");
    const res = await call("POST", `/api/runs/${run.id}/pool-slots`, {
      token,
      body: { step_key: "greet", pool: "db", wait_ms: 0 },
    });
    expect(res.status).toBe(200);
  });
});
