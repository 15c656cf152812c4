/**
 * Sensors through the Worker's `scheduled()` and the API, in workerd with D1, against a fake code
 * location. (Dagster: test_sensor_run.py — test_simple_sensor, test_sensor_cursor,
 * test_run_key_dedupe, test_error_sensor, test_run_status_sensor.)
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SensorDefinition, SensorEvaluateReply, SensorEvaluateRequest } from "../../protocol";
import { SensorListSchema, SensorTickListSchema } from "../../protocol";
import worker from "../index";
import { SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { forceStatus, newFake, registerFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

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
  const realFetch = globalThis.fetch;
  const origin = new URL(fake.url).origin;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin) return realFetch(input, init);
    const match = /^\/sensors\/([^/]+)\/evaluate$/.exec(url.pathname);
    if (request.method === "POST" && match?.[1]) {
      const name = decodeURIComponent(match[1]);
      const body = (await request.json()) as SensorEvaluateRequest;
      requests.push({ name, body });
      const answer = reply(name, body);
      return "status" in answer ? new Response("sensor blew up", { status: answer.status }) : Response.json(answer);
    }
    return fake.handle(request);
  });
  await registerFake(fake);
}

beforeEach(() => {
  requests = [];
  reply = () => ({ run_requests: [] });
});
afterEach(() => vi.restoreAllMocks());

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
