/**
 * `GET /api/queue` names each run's job: the run coordinator object knows runs by id and tags
 * only, so the route reads the jobs from D1 for the dashboard's queue page.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventListSchema, QueueReplySchema } from "../../protocol";
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

  it("queues a run whose priority tag is not an integer at priority 0, and says so on the queue and in its log", async () => {
    await submitGreet();
    const ahead = await submitGreet({ tags: { "flightdeck/priority": " +1 " } });
    const unreadable = await submitGreet({ tags: { "flightdeck/priority": "urgent" } });
    const behind = await submitGreet({ tags: { "flightdeck/priority": "-1" } });
    await coordinatorStub(env).settle();
    const view = QueueReplySchema.parse(await (await call("GET", "/api/queue")).json());
    expect(view.queued.map((run) => [run.run_id, run.priority, run.priority_warning])).toEqual([
      [ahead.id, 1, null],
      [unreadable.id, 0, "priority tag 'urgent' is not an integer; using 0"],
      [behind.id, -1, null],
    ]);
    const log = EventListSchema.parse(await (await call("GET", `/api/runs/${unreadable.id}/events`)).json()).events;
    expect(log.slice(0, 2)).toMatchObject([
      { type: "ENGINE_EVENT", level: "WARNING", message: "priority tag 'urgent' is not an integer; using 0." },
      { type: "RUN_ENQUEUED", message: "Queued with priority 0." },
    ]);
  });
});
