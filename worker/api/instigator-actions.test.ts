/**
 * Testing a schedule or sensor and setting a sensor's cursor, through the API in workerd against a
 * fake code location: a test answers what the evaluation asked for and stores nothing (no tick, no
 * run, no run key, the cursor unmoved); an evaluation error is the test's result; bad input is a
 * 4xx that stores nothing. (Dagster: the UI's "Test schedule"/"Test sensor", which call
 * `scheduleDryRun`/`sensorDryRun`, and `dagster sensor cursor --set/--delete`.)
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ScheduleDefinition, SensorDefinition } from "../../protocol";
import { InstigatorTestReplySchema, ScheduleReplySchema, SensorReplySchema } from "../../protocol";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { newFake, registerFake } from "../test/fixtures";
import { call, countRows, expectError, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

const schedule: ScheduleDefinition = {
  name: "nightly",
  job: "noop",
  cron_schedule: "0 3 * * *",
  execution_timezone: "UTC",
  default_status: "RUNNING",
  description: null,
  evaluated: true,
  tags: { team: "data" },
};
const sensor = (overrides: Partial<SensorDefinition> = {}): SensorDefinition => ({
  name: "watcher",
  job: "noop",
  minimum_interval_seconds: 30,
  default_status: "STOPPED",
  description: null,
  ...overrides,
});

let evaluations: { kind: string; name: string; body: Record<string, unknown> }[];
let answer: (kind: string, body: Record<string, unknown>) => Response;

beforeEach(async () => {
  evaluations = [];
  answer = () => Response.json({ run_requests: [] });
  const fake = newFake();
  fake.definitions = {
    ...SAMPLE_DEFINITIONS,
    schedules: [schedule],
    sensors: [sensor(), sensor({ name: "on_success", job: null, run_status: "SUCCESS" })],
  };
  fake.onEvaluate = (kind, name, body) => {
    evaluations.push({ kind, name, body: body as Record<string, unknown> });
    return answer(kind, body as Record<string, unknown>);
  };
  interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(() => vi.restoreAllMocks());

async function nothingStored() {
  const ticks = await env.DB.prepare(
    "SELECT (SELECT count(*) FROM schedule_ticks) + (SELECT count(*) FROM sensor_ticks) + (SELECT count(*) FROM run_keys) AS n",
  ).first<{ n: number }>();
  expect(ticks?.n).toBe(0);
  expect(await countRows("runs")).toBe(0);
}

async function testReply(res: Response) {
  expect(res.status).toBe(200);
  return InstigatorTestReplySchema.parse(await res.json());
}

describe("POST /api/schedules/:name/test", () => {
  it("evaluates the next tick by default and shows its run requests with their job, launching nothing", async () => {
    answer = () => Response.json({ run_requests: [{ run_key: "2026-12-04", run_config: { ops: {} } }] });
    const before = Date.now();
    const reply = await testReply(await call("POST", "/api/schedules/nightly/test", { body: {} }));
    expect(reply.error).toBeNull();
    expect(reply.run_requests).toEqual([
      {
        run_key: "2026-12-04",
        run_config: { ops: {} },
        job: "noop",
        run_key_used: false,
        // The tags the run would carry: the schedule's, and what the scheduler adds.
        tags: expect.objectContaining({
          team: "data",
          "flightdeck/schedule": "nightly",
          "flightdeck/run_key": "2026-12-04",
        }),
      },
    ]);
    // The next 03:00 UTC after the call.
    const scheduled = reply.scheduled_time ?? 0;
    expect(new Date(scheduled).getUTCHours()).toBe(3);
    expect(scheduled).toBeGreaterThan(before);
    expect(scheduled - before).toBeLessThanOrEqual(24 * 3600_000);
    expect(evaluations).toEqual([{ kind: "schedules", name: "nightly", body: { scheduled_time: scheduled } }]);
    await nothingStored();
  });

  it("shows a schedule without an evaluate function as its one static run per tick, asking no code location", async () => {
    const fake = newFake("http://static-location.test:4000");
    fake.definitions = {
      ...SAMPLE_DEFINITIONS,
      schedules: [{ ...schedule, evaluated: undefined, run_config: { ops: { greet: { config: { name: "x" } } } } }],
    };
    interceptCodeLocations(fake);
    await registerFake(fake, "static");
    const at = Date.UTC(2027, 0, 4, 3);
    const path = "/api/schedules/nightly/test?location=static";
    const reply = await testReply(await call("POST", path, { body: { scheduled_time: at } }));
    expect(reply.run_requests).toMatchObject([
      { job: "noop", run_key: "2027-01-04T03:00:00.000Z#0", run_config: { ops: { greet: { config: { name: "x" } } } } },
    ]);
    expect(evaluations).toEqual([]);
    await nothingStored();
  });

  it("evaluates the tick asked for, and answers a skip reason", async () => {
    answer = () => Response.json({ skip_reason: "holiday" });
    const reply = await testReply(
      await call("POST", "/api/schedules/nightly/test", { body: { scheduled_time: 1_800_000_000_000 } }),
    );
    expect(reply).toMatchObject({ scheduled_time: 1_800_000_000_000, skip_reason: "holiday", run_requests: [] });
    await nothingStored();
  });

  it("answers the evaluation's error as the result, not as a failed request", async () => {
    answer = () => Response.json({ error: { code: "internal_error", message: "KeyError: 'date'" } }, { status: 500 });
    const reply = await testReply(await call("POST", "/api/schedules/nightly/test", { body: {} }));
    expect(reply.error).toContain("KeyError: 'date'");
    await nothingStored();
  });

  it("refuses bad input with a 4xx and evaluates nothing", async () => {
    await expectError(
      await call("POST", "/api/schedules/nightly/test", { body: { scheduled_time: "soon" } }),
      422,
      "validation_failed",
    );
    await expectError(
      await call("POST", "/api/schedules/nightly/test", { body: { cursor: "x" } }),
      422,
      "validation_failed",
    );
    await expectError(await call("POST", "/api/schedules/nightly/test", { rawBody: "{" }), 400, "invalid_json");
    await expectError(await call("POST", "/api/schedules/nope/test", { body: {} }), 404, "not_found");
    expect((await call("POST", "/api/schedules/nightly/test", { body: {}, token: null })).status).toBe(401);
    expect(evaluations).toEqual([]);
    await nothingStored();
  });

  it("GET /api/schedules/:name answers one schedule", async () => {
    const res = await call("GET", "/api/schedules/nightly");
    expect(res.status).toBe(200);
    expect(ScheduleReplySchema.parse(await res.json()).schedule).toMatchObject({ name: "nightly", location: "demo" });
    await expectError(await call("GET", "/api/schedules/nope"), 404, "not_found");
  });
});

describe("POST /api/sensors/:name/test", () => {
  it("evaluates with the stored cursor and shows the cursor a tick would store, moving nothing", async () => {
    await call("PUT", "/api/sensors/watcher/cursor", { body: { cursor: "file-7" } });
    answer = () => Response.json({ run_requests: [{ run_key: "file-8", job: "greet" }, {}], cursor: "file-8" });
    const reply = await testReply(await call("POST", "/api/sensors/watcher/test", { body: {} }));
    expect(reply).toMatchObject({
      cursor_before: "file-7",
      cursor_after: "file-8",
      scheduled_time: null,
      skip_reason: null,
      error: null,
      run_requests: [
        { run_key: "file-8", job: "greet", run_key_used: false },
        { job: "noop", run_key_used: false },
      ],
    });
    expect(evaluations[0]?.body).toEqual({ cursor: "file-7", last_tick_at: null });
    const after = SensorReplySchema.parse(await (await call("GET", "/api/sensors/watcher")).json()).sensor;
    expect(after.cursor).toBe("file-7");
    await nothingStored();
  });

  it("evaluates with the cursor given (null: as if none was ever set), and keeps it when the sensor sets none", async () => {
    answer = () => Response.json({ run_requests: [], skip_reason: "no new files" });
    const given = await testReply(await call("POST", "/api/sensors/watcher/test", { body: { cursor: "x-1" } }));
    expect(given).toMatchObject({ cursor_before: "x-1", cursor_after: "x-1", skip_reason: "no new files" });
    await testReply(await call("POST", "/api/sensors/watcher/test", { body: { cursor: null } }));
    expect(evaluations.map((e) => e.body.cursor)).toEqual(["x-1", null]);
    await nothingStored();
  });

  it("refuses a run status sensor (it has no run to be tested with) and bad input, evaluating nothing", async () => {
    await expectError(await call("POST", "/api/sensors/on_success/test", { body: {} }), 409, "conflict");
    await expectError(
      await call("POST", "/api/sensors/watcher/test", { body: { cursor: 7 } }),
      422,
      "validation_failed",
    );
    await expectError(
      await call("POST", "/api/sensors/watcher/test", { body: { cursor: "x".repeat(70_000) } }),
      422,
      "validation_failed",
    );
    await expectError(await call("POST", "/api/sensors/watcher/test", { rawBody: "" }), 400, "invalid_json");
    expect(evaluations).toEqual([]);
    await nothingStored();
  });
});

describe("PUT /api/sensors/:name/cursor", () => {
  const cursorOf = async (name: string) =>
    SensorReplySchema.parse(await (await call("GET", `/api/sensors/${name}`)).json()).sensor.cursor;

  it("sets a cursor and resets it with null; the next evaluation gets it", async () => {
    const set = await call("PUT", "/api/sensors/watcher/cursor", { body: { cursor: "2026-12-01" } });
    expect(set.status).toBe(200);
    expect(SensorReplySchema.parse(await set.json()).sensor).toMatchObject({ cursor: "2026-12-01", status: "STOPPED" });
    await call("POST", "/api/sensors/watcher/test", { body: {} });
    expect(evaluations[0]?.body.cursor).toBe("2026-12-01");
    const reset = await call("PUT", "/api/sensors/watcher/cursor", { body: { cursor: null } });
    expect(SensorReplySchema.parse(await reset.json()).sensor.cursor).toBeNull();
    expect(await cursorOf("watcher")).toBeNull();
  });

  it("takes only a time in ms for a run status sensor's cursor", async () => {
    const bad = await expectError(
      await call("PUT", "/api/sensors/on_success/cursor", { body: { cursor: "yesterday" } }),
      422,
      "validation_failed",
    );
    expect(bad.message).toContain("run status sensor");
    expect(await cursorOf("on_success")).toBeNull();
    const ok = await call("PUT", "/api/sensors/on_success/cursor", { body: { cursor: "1800000000000" } });
    expect(ok.status).toBe(200);
    expect(await cursorOf("on_success")).toBe("1800000000000");
  });

  it("refuses bad input with a 4xx and stores nothing", async () => {
    await expectError(await call("PUT", "/api/sensors/watcher/cursor", { body: {} }), 422, "validation_failed");
    await expectError(
      await call("PUT", "/api/sensors/watcher/cursor", { body: { cursor: 3 } }),
      422,
      "validation_failed",
    );
    await expectError(
      await call("PUT", "/api/sensors/watcher/cursor", { body: { cursor: "a", extra: 1 } }),
      422,
      "validation_failed",
    );
    await expectError(await call("PUT", "/api/sensors/nope/cursor", { body: { cursor: "a" } }), 404, "not_found");
    expect(await cursorOf("watcher")).toBeNull();
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM sensor_state WHERE cursor IS NOT NULL").first<{
      n: number;
    }>();
    expect(rows?.n).toBe(0);
  });
});
