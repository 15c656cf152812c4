/**
 * Schedules and sensors of an agent location end to end: `wrangler dev --test-scheduled` (GET
 * /__scheduled runs scheduled() at the time the test names) and a real `flightdeck agent` serving
 * test/e2e/fixtures/agent-automation-location.ts, which nothing can dial: the run coordinator
 * hands each evaluation to the agent over its socket.
 * - a schedule's tick is evaluated by the agent and fires a run that the agent runs to SUCCESS;
 * - a 2 s sensor is evaluated again and again by the agent, its cursor kept from tick to tick;
 * - with no agent connected, a tick fails as for an unreachable server — not counted against its
 *   retries — and is evaluated again once an agent is back; the sensor's cursor survives it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentListSchema,
  CreatedAgentTokenReplySchema,
  RunListSchema,
  ScheduleTickListSchema,
  SensorReplySchema,
  SensorTickListSchema,
} from "../../protocol";
import { type ControlPlane, generateAdminToken, REPO_ROOT, stopStack } from "../../scripts/lib/local-stack";
import { type Spawned, spawnGroup, waitForOutput } from "../../scripts/lib/processes";
import { startScheduledControlPlane, waitUntil } from "../support/e2e-stack";
import { compiledCli } from "../support/provided";

const MINUTE = 60_000;
const FIXTURE = path.join(REPO_ROOT, "test/e2e/fixtures/agent-automation-location.ts");
let dir: string;
let controlPlane: ControlPlane;
let token = "";
let agent: Spawned | null = null;

async function startAgent(): Promise<void> {
  agent = spawnGroup(
    process.execPath,
    [
      compiledCli(),
      "agent",
      FIXTURE,
      "--control-plane",
      controlPlane.url,
      "--data-dir",
      path.join(dir, "agent"),
      "--standby-workers",
      "0",
    ],
    { cwd: REPO_ROOT, env: { FLIGHTDECK_AGENT_TOKEN: token } },
  );
  await waitForOutput(agent, /connected to \S+ as agent_[0-9a-f]+/);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-agent-automation-"));
  controlPlane = await startScheduledControlPlane({
    persistDir: path.join(dir, "state"),
    adminToken: generateAdminToken(),
    instanceConfig: {},
  });
  const made = await controlPlane.client.request("POST", "/api/agent-tokens", CreatedAgentTokenReplySchema, {
    name: "automation agents",
    location: "agentauto",
  });
  token = made.secret;
  await startAgent();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await stopStack([], controlPlane);
  await rm(dir, { recursive: true, force: true });
});

/** scheduled() as the cron would run it at `time` (miniflare's `time` parameter), so the test names the tick. */
async function runScheduledAt(time: number): Promise<void> {
  const res = await fetch(`${controlPlane.url}/__scheduled?cron=*+*+*+*+*&time=${time}`);
  if (res.status !== 200) throw new Error(`GET /__scheduled: ${res.status} ${await res.text()}`);
  await res.text();
}

async function scheduleTick(scheduledTime: number) {
  const { ticks } = await controlPlane.client.request(
    "GET",
    "/api/schedules/agent_minute/ticks",
    ScheduleTickListSchema,
  );
  return ticks.find((tick) => tick.scheduled_time === scheduledTime);
}

async function runsEvaluatedFor(scheduledTime: number) {
  const tag = encodeURIComponent(`e2e/evaluated_for=${scheduledTime}`);
  return (await controlPlane.client.request("GET", `/api/runs?tag=${tag}`, RunListSchema)).runs;
}

async function sensorTicks() {
  const { ticks } = await controlPlane.client.request(
    "GET",
    "/api/sensors/counting_sensor/ticks?limit=100",
    SensorTickListSchema,
  );
  return [...ticks].sort((a, b) => a.id - b.id);
}

/** The next minute boundary: the tick under test, a little ahead of the wall clock, named by the test. */
const T1 = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
const T2 = T1 + MINUTE;

describe("an agent location's schedule", () => {
  it("is evaluated by the agent, and fires a run that the agent runs to SUCCESS", async () => {
    await runScheduledAt(T1);
    const tick = await scheduleTick(T1);
    expect(tick).toMatchObject({ status: "SUCCESS", failure_count: 0 });
    const runs = await runsEvaluatedFor(T1);
    expect(runs.map((run) => run.id)).toEqual(tick?.run_ids);
    const run = await controlPlane.client.waitForRun(runs[0]?.id ?? "", { timeoutMs: 60_000 });
    expect(run).toMatchObject({ status: "SUCCESS", location: "agentauto", job: "tick" });
  });
});

describe("an agent location's sensor", () => {
  it("is evaluated by the agent tick after tick, its cursor kept", async () => {
    await controlPlane.client.request("POST", "/api/sensors/counting_sensor/start", SensorReplySchema);
    await waitUntil(async () => (await sensorTicks()).length >= 3, 60_000, "three evaluations of counting_sensor");
    const ticks = (await sensorTicks()).slice(0, 3);
    expect(ticks.map((t) => [t.status, t.cursor])).toEqual([
      ["SKIPPED", "1"],
      ["SKIPPED", "2"],
      ["SKIPPED", "3"],
    ]);
  });
});

describe("with no agent connected", () => {
  it("fails a tick as unreachable without counting it, and evaluates it again once an agent is back", async () => {
    await agent?.stop();
    agent = null;
    await waitUntil(
      async () => (await controlPlane.client.request("GET", "/api/agents", AgentListSchema)).agents.length === 0,
      30_000,
      "the agent to be gone",
    );
    const cursorBefore = Number((await sensorTicks()).at(-1)?.cursor);
    await runScheduledAt(T2);
    const failed = await scheduleTick(T2);
    expect(failed).toMatchObject({ status: "FAILURE", failure_count: 0, run_ids: [] });
    expect(failed?.error).toContain("Unable to reach the code location server for schedule agent_minute");
    expect(failed?.error).toContain("no agent of code location agentauto is connected");

    await startAgent();
    await runScheduledAt(T2);
    expect(await scheduleTick(T2)).toMatchObject({ status: "SUCCESS" });
    const [run] = await runsEvaluatedFor(T2);
    expect((await controlPlane.client.waitForRun(run?.id ?? "", { timeoutMs: 60_000 })).status).toBe("SUCCESS");

    // The sensor's cursor went on from where it was, the failed evaluations in between left it be.
    await waitUntil(
      async () => (await sensorTicks()).some((t) => t.status === "SKIPPED" && Number(t.cursor) > cursorBefore),
      60_000,
      "counting_sensor evaluated by the agent again",
    );
    const next = (await sensorTicks()).find((t) => t.status === "SKIPPED" && Number(t.cursor) > cursorBefore);
    expect(Number(next?.cursor)).toBe(cursorBefore + 1);
  });
});
