import { describe, expect, it } from "vitest";
import { BulkTerminateReplySchema } from "../../protocol";
import { forceStatus, getRunReply, submitGreet, useRegisteredFake } from "../test/fixtures";
import { call, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Written for launch-at-once; the queue has its own tests (worker/coordinator/).
useRunCoordinator("default");

useRegisteredFake();

describe("POST /api/runs/terminate", () => {
  it("terminates each run it can and says why for each it cannot", async () => {
    const running = await submitGreet();
    await forceStatus(running.id, "STARTED");
    const done = await submitGreet();
    await forceStatus(done.id, "SUCCESS");

    const res = await call("POST", "/api/runs/terminate", { body: { run_ids: [running.id, done.id, "nope"] } });
    expect(res.status).toBe(200);
    const { results } = BulkTerminateReplySchema.parse(await res.json());
    expect(results.map((r) => [r.run_id, r.ok])).toEqual([
      [running.id, true],
      [done.id, false],
      ["nope", false],
    ]);
    expect(results[0]).toMatchObject({ ok: true, run: { status: "CANCELING" } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: "run_not_found" } });
    expect((await getRunReply(running.id)).status).toBe("CANCELING");
    expect((await getRunReply(done.id)).status).toBe("SUCCESS");
  });

  it("refuses an empty list and more than 100 runs", async () => {
    await expectError(await call("POST", "/api/runs/terminate", { body: { run_ids: [] } }), 422, "validation_failed");
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`);
    await expectError(await call("POST", "/api/runs/terminate", { body: { run_ids: many } }), 422, "validation_failed");
  });
});
