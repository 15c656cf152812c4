/**
 * Schedules and sensors of an agent location end to end: `wrangler dev --test-scheduled` (GET
 * /__scheduled runs scheduled()) and a real `flightdeck agent` serving
 * test/e2e/fixtures/agent-automation-location.ts, which nothing can dial: the run coordinator
 * hands each evaluation to the agent over its socket.
 * - a 2 s sensor is evaluated again and again by the agent, its cursor kept from tick to tick;
 * - with no agent connected, a schedule's tick fails as for an unreachable server — not counted
 *   against its retries — and once an agent is back it is evaluated again, by the agent, and fires
 *   a run that the agent runs to SUCCESS; the sensor's cursor survives the outage.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentListSchema,
  RunListSchema,
  ScheduleTickListSchema,
  SensorReplySchema,
  SensorTickListSchema,
} from "../../protocol";
import { type AgentProcess, createAgentToken, startAgent as startAgentProcess } from "../../scripts/lib/agents";
import { type ControlPlane, generateAdminToken, REPO_ROOT, stopStack } from "../../scripts/lib/local-stack";
import { runScheduled, startScheduledControlPlane, waitUntil } from "../support/e2e-stack";
import { compiledCli } from "../support/provided";

const MINUTE = 60_000;
const FIXTURE = path.join(REPO_ROOT, "test/e2e/fixtures/agent-automation-location.ts");
let dir: string;
let controlPlane: ControlPlane;
let token = "";
let agent: AgentProcess | null = null;

async function startAgent(): Promise<void> {
  agent = await startAgentProcess({
    cli: compiledCli(),
    file: FIXTURE,
    controlPlane: controlPlane.url,
    token,
    dataDir: path.join(dir, "agent"),
    standbyWorkers: 0,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-agent-automation-"));
  controlPlane = await startScheduledControlPlane({
    persistDir: path.join(dir, "state"),
    adminToken: generateAdminToken(),
    instanceConfig: {},
  });
  token = await createAgentToken(controlPlane.client, "automation agents", "agentauto");
  await startAgent();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await stopStack([], controlPlane);
  await rm(dir, { recursive: true, force: true });
});

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

describe("an agent location's sensor", () => {
  it("is evaluated by the agent tick after tick, its cursor kept", async () => {
    await controlPlane.client.request("POST", "/api/sensors/counting_sensor/start", SensorReplySchema);
    // Three ended ticks: a tick is listed from its start (STARTED), before the agent has answered.
    const firstThreeEnded = async () => {
      const ticks = (await sensorTicks()).slice(0, 3);
      return ticks.length === 3 && ticks.every((t) => t.status !== "STARTED") ? ticks : null;
    };
    await waitUntil(
      async () => (await firstThreeEnded()) !== null,
      60_000,
      "three ended evaluations of counting_sensor",
    );
    const ticks = (await firstThreeEnded()) ?? [];
    expect(ticks.map((t) => [t.status, t.cursor])).toEqual([
      ["SKIPPED", "1"],
      ["SKIPPED", "2"],
      ["SKIPPED", "3"],
    ]);
  });
});

describe("an agent location's schedule", () => {
  it("fails a tick as unreachable, uncounted, while no agent is connected; once one is back, the agent evaluates it and runs its run to SUCCESS", async () => {
    await agent?.stop();
    agent = null;
    await waitUntil(
      async () => (await controlPlane.client.request("GET", "/api/agents", AgentListSchema)).agents.length === 0,
      30_000,
      "the agent to be gone",
    );
    const counted = (await sensorTicks()).filter((t) => t.status === "SKIPPED").map((t) => Number(t.cursor));
    const cursorBefore = Math.max(...counted);

    // The next minute's tick, the first due since the location loaded (wrangler dev fires no cron,
    // and its /__scheduled runs scheduled() at the wall clock's time).
    const minute = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
    await waitUntil(() => Date.now() >= minute + 300, 2 * MINUTE, "the next minute");
    await runScheduled(controlPlane);
    const failed = await scheduleTick(minute);
    expect(failed).toMatchObject({ status: "FAILURE", failure_count: 0, run_ids: [] });
    expect(failed?.error).toContain("Unable to reach the code location server for schedule agent_minute");
    expect(failed?.error).toContain("no agent of code location agentauto is connected");

    await startAgent();
    await runScheduled(controlPlane);
    const retried = await scheduleTick(minute);
    expect(retried).toMatchObject({ status: "SUCCESS" });
    const runs = await runsEvaluatedFor(minute);
    expect(runs.map((run) => run.id)).toEqual(retried?.run_ids);
    const run = await controlPlane.client.waitForRun(runs[0]?.id ?? "", { timeoutMs: 60_000 });
    expect(run).toMatchObject({ status: "SUCCESS", location: "agentauto", job: "tick" });

    // The sensor's cursor went on from where it was: the failed evaluations in between left it be.
    const counts = async () => (await sensorTicks()).filter((t) => t.status === "SKIPPED").map((t) => Number(t.cursor));
    await waitUntil(
      async () => (await counts()).some((c) => c > cursorBefore),
      60_000,
      "counting_sensor evaluated by the agent again",
    );
    expect((await counts()).find((c) => c > cursorBefore)).toBe(cursorBefore + 1);
  }, 240_000);
});
