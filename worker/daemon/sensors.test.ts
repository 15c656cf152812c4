/**
 * Sensors through the Worker's `scheduled()` and the API, in workerd with D1, against a fake code
 * location. (Dagster: test_sensor_run.py — test_simple_sensor, test_sensor_cursor,
 * test_run_key_dedupe, test_error_sensor, test_run_status_sensor.)
 */
import { createScheduledController, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SensorDefinition, SensorEvaluateReply, SensorEvaluateRequest } from "../../protocol";
import { SensorListSchema, SensorTickListSchema } from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import worker from "../index";
import { openDatabase } from "../storage/db";
import { claimRunKey } from "../storage/schedules-repo";
import { useCoordinatorClock } from "../test/coordinator-clock";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { forceStatus, newFake, registerFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";
import { publicBaseUrl, wire } from "../wiring";
import { runSensorsBetweenTicks } from "./daemon";

useCleanDatabase();
const { manualClock } = useCoordinatorClock();

/** The sensors pass the coordinator's alarm runs between cron ticks, wired as the object wires it. */
const sensorsFromCoordinatorAlarm = (daemonEnv: Env, now: number) =>
  runSensorsBetweenTicks(wire(daemonEnv, publicBaseUrl(daemonEnv)), now);

const S = 1000;
const sensor = (overrides: Partial<SensorDefinition>): SensorDefinition => ({
  name: "watcher",
  job: "noop",
  minimum_interval_seconds: 30,
  default_status: "RUNNING",
  description: null,
  ...overrides,
});

let requests: { name: string; body: SensorEvaluateRequest }[];
let reply: (name: string, body: SensorEvaluateRequest) => SensorEvaluateReply | { status: number };

async function setUp(sensors: SensorDefinition[]) {
  const fake = newFake();
  fake.definitions = { ...SAMPLE_DEFINITIONS, sensors };
  fake.onEvaluate = (_kind, name, raw) => {
    const body = raw as SensorEvaluateRequest;
    requests.push({ name, body });
    const answer = reply(name, body);
    return "status" in answer
      ? Response.json({ error: { code: "internal_error", message: "sensor blew up" } }, { status: answer.status })
      : Response.json(answer);
  };
  interceptCodeLocations(fake);
  await registerFake(fake);
}

beforeEach(() => {
  requests = [];
  reply = () => ({ run_requests: [] });
});
afterEach(async () => {
  // An alarm a test armed (a sensor started, a wake) must not fire into the next test's storage:
  // run it now and wait for the pass it starts, before the storage is reset.
  await runDurableObjectAlarm(coordinatorStub(env));
  await coordinatorStub(env).settle();
  vi.restoreAllMocks();
});

async function tick(scheduledTime: number): Promise<void> {
  const daemonEnv = {
    ...env,
    INSTANCE_CONFIG: JSON.stringify({ run_coordinator: { type: "default" } }),
    PUBLIC_URL: "https://flightdeck.test",
  };
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), daemonEnv);
}

async function ticks(name: string) {
  return SensorTickListSchema.parse(await (await call("GET", `/api/sensors/${name}/ticks`)).json()).ticks;
}

async function sensorRuns(name: string) {
  const { results } = await env.DB.prepare(
    "SELECT r.id, r.job FROM runs r JOIN run_tags t ON t.run_id = r.id AND t.key = 'flightdeck/sensor' AND t.value = ?",
  )
    .bind(name)
    .all<{ id: string; job: string }>();
  return results;
}

const T0 = Date.now();

describe("sensors in scheduled()", () => {
  it("Dagster test_run_key_dedupe: a run_key launches once, forever, even when ticks overlap", async () => {
    await setUp([sensor({})]);
    reply = () => ({ run_requests: [{ run_key: "file-a.csv" }, { run_key: "file-b.csv" }] });
    await Promise.all([tick(T0), tick(T0)]);
    expect(requests).toHaveLength(1); // one evaluation per interval
    await tick(T0 + 60 * S);
    expect(requests).toHaveLength(2);
    expect(await sensorRuns("watcher")).toHaveLength(2);
    expect((await ticks("watcher")).map((t) => t.status)).toEqual(["SKIPPED", "SUCCESS"]);
  });

  it("finishes a run request whose run key a pass claimed but never submitted (the Worker died), once", async () => {
    await setUp([sensor({})]);
    // What the dead pass left: the key claimed, no run, the cursor unmoved.
    await claimRunKey(openDatabase(env.DB), "SENSOR", "demo", "watcher", "file-a.csv", T0);
    reply = () => ({ run_requests: [{ run_key: "file-a.csv" }] });
    await tick(T0);
    const [run] = await sensorRuns("watcher");
    expect(await sensorRuns("watcher")).toHaveLength(1);
    expect((await ticks("watcher"))[0]).toMatchObject({ status: "SUCCESS", run_ids: [run?.id] });
    await tick(T0 + 60 * S);
    expect(await sensorRuns("watcher")).toHaveLength(1);
    expect((await ticks("watcher"))[0]).toMatchObject({ status: "SKIPPED" });
  });

  it("respects minimum_interval_seconds", async () => {
    await setUp([sensor({ minimum_interval_seconds: 120 })]);
    await tick(T0);
    await tick(T0 + 60 * S);
    await tick(T0 + 120 * S);
    expect(requests).toHaveLength(2);
  });

  it("Dagster test_sensor_cursor: the cursor is passed back, and moves only on success", async () => {
    await setUp([sensor({})]);
    reply = (_name, body) => ({ run_requests: [], cursor: `${Number(body.cursor ?? 0) + 1}` });
    await tick(T0);
    await tick(T0 + 60 * S);
    expect(requests.map((r) => r.body.cursor)).toEqual([null, "1"]);
    reply = () => ({ status: 500 });
    await tick(T0 + 120 * S);
    reply = (_name, body) => ({ run_requests: [], cursor: `${Number(body.cursor ?? 0) + 1}` });
    await tick(T0 + 180 * S);
    expect(requests.map((r) => r.body.cursor)).toEqual([null, "1", "2", "2"]);
    expect((await ticks("watcher"))[1]).toMatchObject({ status: "FAILURE" });
    expect(requests[1]?.body.last_tick_at).toBe(T0);
  });

  it("Dagster test_error_sensor: one sensor's error touches no other", async () => {
    await setUp([sensor({ name: "broken" }), sensor({ name: "healthy" })]);
    reply = (name) => (name === "broken" ? { status: 500 } : { run_requests: [{ run_key: "x" }] });
    await tick(T0);
    expect((await ticks("broken"))[0]).toMatchObject({ status: "FAILURE" });
    expect((await ticks("broken"))[0]?.error).toContain("sensor blew up");
    expect(await sensorRuns("healthy")).toHaveLength(1);
  });

  it("Dagster test_run_status_sensor: fires once for each run of its job reaching FAILURE", async () => {
    await setUp([sensor({ name: "on_failure", run_status: "FAILURE", monitored_jobs: ["noop"], job: "greet" })]);
    reply = (_name, body) => ({
      run_requests: body.run
        ? [{ job: "greet", run_config: { ops: { greet: { config: { name: body.run.id } } } } }]
        : [],
    });
    await tick(T0); // starts watching
    const submitted = await call("POST", "/api/runs", { body: { location: "demo", job: "noop" } });
    const failedId = ((await submitted.json()) as { run: { id: string } }).run.id;
    await forceStatus(failedId, "FAILURE");
    await env.DB.prepare("UPDATE runs SET updated_at = ? WHERE id = ?")
      .bind(T0 + 10 * S, failedId)
      .run();
    await Promise.all([tick(T0 + 60 * S), tick(T0 + 60 * S)]);
    await tick(T0 + 120 * S);
    const handled = requests.filter((r) => r.body.run);
    expect(handled.map((r) => r.body.run?.id)).toEqual([failedId]);
    expect(await sensorRuns("on_failure")).toHaveLength(1);
  });
});

describe("/api/sensors", () => {
  it("lists sensors with their status and cursor, and stops one", async () => {
    await setUp([sensor({ default_status: "STOPPED" })]);
    const [listed] = SensorListSchema.parse(await (await call("GET", "/api/sensors")).json()).sensors;
    expect(listed).toMatchObject({ name: "watcher", status: "STOPPED", cursor: null, last_tick: null });
    await tick(T0);
    expect(requests).toHaveLength(0);
    expect((await call("POST", "/api/sensors/watcher/start")).status).toBe(200);
    await tick(T0 + 60 * S);
    expect(requests).toHaveLength(1);
  });
});

describe("sub-minute sensors, from the run coordinator's alarm", () => {
  const lastTickAt = async (name: string) =>
    (
      await env.DB.prepare("SELECT last_tick_at AS at FROM sensor_state WHERE name = ?")
        .bind(name)
        .first<{ at: number }>()
    )?.at ?? null;
  /** As if `ms` had passed since the sensor's last evaluation. */
  const age = (name: string, ms: number) =>
    env.DB.prepare("UPDATE sensor_state SET last_tick_at = last_tick_at - ? WHERE name = ?").bind(ms, name).run();

  it("arms the alarm for a 5 s sensor after the cron evaluated it, and the alarm evaluates it when due", async () => {
    // The cron and the object both run on the object's manual clock: its alarms fire when the test runs them.
    const clock = await manualClock();
    await setUp([sensor({ minimum_interval_seconds: 5 })]);
    const before = clock.now();
    await tick(before);
    expect(requests).toHaveLength(1);
    const armed = await runInDurableObject(coordinatorStub(env), (_instance, state) => state.storage.getAlarm());
    expect(armed).toBeGreaterThanOrEqual(before + 5 * S);
    expect(armed).toBeLessThanOrEqual(clock.now() + 5 * S);

    await age("watcher", 6 * S);
    await coordinatorStub(env).wakeDaemonAt(clock.now());
    expect(await runDurableObjectAlarm(coordinatorStub(env))).toBe(true);
    // The pass runs in the alarm's waitUntil: wait for it, not for a fixed time.
    await coordinatorStub(env).settle();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.body.last_tick_at).toBe(before - 6 * S);
  });

  it("evaluates a due tick once when the cron and the alarm's pass overlap", async () => {
    await setUp([sensor({ minimum_interval_seconds: 5 })]);
    await tick(Date.now());
    await age("watcher", 6 * S);
    const now = Date.now();
    const daemonEnv = { ...env, INSTANCE_CONFIG: "{}", PUBLIC_URL: "https://flightdeck.test" };
    const [, next] = await Promise.all([tick(now), sensorsFromCoordinatorAlarm(daemonEnv, now)]);
    expect(requests).toHaveLength(2);
    expect((await ticks("watcher")).length).toBe(2);
    expect(next).toBe(((await lastTickAt("watcher")) ?? Number.NaN) + 5 * S);
  });

  it("uses the instance's sensors.minimum_interval_seconds for a sensor that gives none", async () => {
    await setUp([sensor({ minimum_interval_seconds: null })]);
    const now = Date.now();
    const withInterval = (seconds: number) => ({
      ...env,
      INSTANCE_CONFIG: JSON.stringify({ sensors: { minimum_interval_seconds: seconds } }),
      PUBLIC_URL: "https://flightdeck.test",
    });
    expect(await sensorsFromCoordinatorAlarm(withInterval(10), now)).toBe(now + 10 * S);
    await age("watcher", 4 * S);
    expect(await sensorsFromCoordinatorAlarm(withInterval(3), Date.now())).toBeGreaterThanOrEqual(now - S);
    expect(requests).toHaveLength(2);
    const [listed] = SensorListSchema.parse(await (await call("GET", "/api/sensors")).json()).sensors;
    expect(listed?.minimum_interval_seconds).toBe(30);
  });
});
