/**
 * `GET /api/queue` names each run's job: the run coordinator object knows runs by id and tags
 * only, so the route reads the jobs from D1 for the dashboard's queue page.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QueueReplySchema } from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { interceptCodeLocations } from "../test/fake-code-location";
import { newFake, registerFake, submitGreet } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";
import { saveOverrides } from "../test/run-coordinator-type";

useCleanDatabase();

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;

beforeEach(async () => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
  await saveOverrides({ run_coordinator: { type: "queued", max_concurrent_runs: 1 } });
  await coordinatorStub(env).configChanged();
});
afterEach(async () => {
  await coordinatorStub(env).settle();
  spy.mockRestore();
});

describe("GET /api/queue", () => {
  it("names the job and code location of every queued and in-progress run", async () => {
    const running = await submitGreet();
    const waiting = await submitGreet();
    await coordinatorStub(env).settle();
    const res = await call("GET", "/api/queue");
    expect(res.status).toBe(200);
    const view = QueueReplySchema.parse(await res.json());
    expect(view.in_progress).toMatchObject([{ run_id: running.id, location: "demo", job: "greet" }]);
    expect(view.queued).toMatchObject([{ run_id: waiting.id, location: "demo", job: "greet", position: 1 }]);
  });
});
