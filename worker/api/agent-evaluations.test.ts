/**
 * Schedules and sensors of an agent location evaluated over the agent's socket, in workerd, with a
 * test socket acting as the agent (the control plane's side of the contract, protocol/agents.ts):
 * the coordinator sends `evaluate` with the server's path and body and hands back the `evaluation`
 * of the same id; an error answer reads as a server's; with no agent connected, or an agent lost
 * before it answered, the evaluation is unreachable — and a schedule tick that meets it fails
 * without counting against its retries, then is evaluated again once an agent is back.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CoordinatorMessage,
  type Definitions,
  InstigatorTestReplySchema,
  ScheduleTickListSchema,
} from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import worker from "../index";
import { SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { call, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";
import { closeOpenAgents, connectAgent, makeAgentToken, putDefinitions } from "../test/test-agent";

useCleanDatabase();
useRunCoordinator("queued");
afterEach(closeOpenAgents);

const MINUTE = 60_000;
const DEFINITIONS: Definitions = {
  ...SAMPLE_DEFINITIONS,
  schedules: [
    {
      name: "agent_minute",
      job: "noop",
      cron_schedule: "* * * * *",
      execution_timezone: "UTC",
      default_status: "RUNNING",
      description: null,
      evaluated: true,
    },
  ],
};

/** The fleet location registered by its agent, and that agent's socket, welcomed. */
async function fleetWithAgent() {
  const { secret } = await makeAgentToken("fleet");
  expect((await putDefinitions(secret, DEFINITIONS)).status).toBe(200);
  return { secret, agent: await helloAgent(secret) };
}

async function helloAgent(secret: string) {
  const agent = await connectAgent(secret);
  agent.ws.send(JSON.stringify({ type: "hello", definitions_version: "v1", max_runs: 1, host: "test" }));
  expect(await agent.nextMessage()).toMatchObject({ type: "welcome" });
  return agent;
}

function asEvaluate(message: CoordinatorMessage) {
  if (message.type !== "evaluate") throw new Error(`expected evaluate, got ${message.type}`);
  return message;
}

function answer(ws: WebSocket, requestId: string, status: number, body: unknown) {
  ws.send(JSON.stringify({ type: "evaluation", request_id: requestId, status, body: JSON.stringify(body) }));
}

async function testSchedule() {
  const res = await call("POST", "/api/schedules/agent_minute/test", { body: { scheduled_time: 0 } });
  expect(res.status).toBe(200);
  return InstigatorTestReplySchema.parse(await res.json());
}

describe("an agent location's schedule", () => {
  it("is evaluated by its agent: evaluate carries the server's path and body, and the answer comes back", async () => {
    const { agent } = await fleetWithAgent();
    const reply = testSchedule();
    const request = asEvaluate(await agent.nextMessage());
    expect(request).toMatchObject({ path: "/schedules/agent_minute/evaluate", body: '{"scheduled_time":0}' });
    answer(agent.ws, request.request_id, 200, { run_requests: [{ run_key: "k1" }] });
    expect(await reply).toMatchObject({ error: null, run_requests: [{ run_key: "k1", job: "noop" }] });
  });

  it("reads an agent's error answer as a server's: the function's failure, not unreachable", async () => {
    const { agent } = await fleetWithAgent();
    const reply = testSchedule();
    const request = asEvaluate(await agent.nextMessage());
    answer(agent.ws, request.request_id, 500, { error: { code: "internal_error", message: "schedule failed: boom" } });
    const { error } = await reply;
    expect(error).toContain("POST agent://fleet/schedules/agent_minute/evaluate answered 500");
    expect(error).toContain("internal_error: schedule failed: boom");
  });

  it("is unreachable when no agent is connected, and when its agent is lost before it answered", async () => {
    await fleetWithAgent().then(({ agent }) => agent.ws.close(1000, "gone"));
    const stub = coordinatorStub(env);
    while ((await stub.agents()).length > 0) await stub.settle();
    expect(await stub.evaluateOnAgent("fleet", "/schedules/agent_minute/evaluate", "{}")).toEqual({
      ok: false,
      unreachable: true,
      reason: "no agent of code location fleet is connected to evaluate /schedules/agent_minute/evaluate",
    });

    const { secret } = await makeAgentToken("fleet");
    const agent = await helloAgent(secret);
    const pending = stub.evaluateOnAgent("fleet", "/sensors/s/evaluate", "{}");
    asEvaluate(await agent.nextMessage());
    agent.ws.close(1000, "bye");
    const lost = await pending;
    expect(lost).toMatchObject({ ok: false, unreachable: true });
    expect(lost.ok ? "" : lost.reason).toMatch(/^agent agent_[0-9a-f]+ was lost \(its socket closed/);
    while ((await stub.agents()).length > 0) await stub.settle();
  });

  it("has a tick with no agent fail uncounted, then evaluated again and launched once an agent is back", async () => {
    const { secret, agent: first } = await fleetWithAgent();
    first.ws.close(1000, "gone");
    const stub = coordinatorStub(env);
    while ((await stub.agents()).length > 0) await stub.settle();
    const tickAt = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
    const daemonEnv = { ...env, PUBLIC_URL: "https://flightdeck.test" };
    const tick = () =>
      worker.scheduled(createScheduledController({ scheduledTime: tickAt, cron: "* * * * *" }), daemonEnv);
    const ticks = async () =>
      ScheduleTickListSchema.parse(await (await call("GET", "/api/schedules/agent_minute/ticks")).json()).ticks;

    await tick();
    const [failed] = await ticks();
    expect(failed).toMatchObject({ scheduled_time: tickAt, status: "FAILURE", failure_count: 0 });
    expect(failed?.error).toContain("Unable to reach the code location server for schedule agent_minute");

    const agent = await helloAgent(secret);
    const ticked = tick();
    const request = asEvaluate(await agent.nextMessage());
    expect(JSON.parse(request.body)).toEqual({ scheduled_time: tickAt });
    answer(agent.ws, request.request_id, 200, { run_requests: [{}] });
    await ticked;
    const [retried] = await ticks();
    expect(retried).toMatchObject({ scheduled_time: tickAt, status: "SUCCESS" });
    expect(await agent.nextMessage()).toMatchObject({ type: "launch", request: { run_id: retried?.run_ids[0] } });
  });
});
