import { describe, expect, it } from "vitest";
import { InstanceHistoryReplySchema } from "../../protocol/ui-api";
import { call, expectError } from "../test/helpers";

describe("GET /api/instance/history", () => {
  it("lists who changed which setting from what to what, newest first, and leaves out other audit rows", async () => {
    expect(
      (await call("PATCH", "/api/instance", { body: { run_coordinator: { max_concurrent_runs: 4 } } })).status,
    ).toBe(200);
    expect((await call("POST", "/api/queue/pause")).status).toBe(200);
    expect((await call("PUT", "/api/concurrency/pools/warehouse", { body: { limit: 2 } })).status).toBe(200);
    const res = await call("GET", "/api/instance/history?limit=10");
    expect(res.status).toBe(200);
    const { changes } = InstanceHistoryReplySchema.parse(await res.json());
    expect(changes.map((c) => c.action)).toEqual(["pool.update", "queue.pause", "instance.update"]);
    expect(changes[0]).toMatchObject({
      target: "warehouse",
      changes: [{ path: "concurrency.pools.limits", to: { warehouse: 2 } }],
    });
    expect(changes[2]?.changes).toEqual([{ path: "run_coordinator.max_concurrent_runs", from: 10, to: 4 }]);
    expect(changes[2]?.actor).toBeTruthy();
  });

  it("refuses a bad limit and a caller without the admin token", async () => {
    await expectError(await call("GET", "/api/instance/history?limit=0"), 422, "validation_failed");
    await expectError(await call("GET", "/api/instance/history", { token: null }), 401, "unauthorized");
  });
});
