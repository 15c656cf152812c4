/**
 * Agents through the Worker, in workerd: agent tokens (made, listed, revoked, audited, scoped to a
 * code location), an agent location registered from the definitions its agent sends, and the
 * agent's socket to the run coordinator object: hello, launches placed within its max runs, a run
 * left queued with the reason `agent_capacity` when it is full, and its runs failed with
 * AGENT_LOST the moment its socket closes.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import {
  AGENT_CLOSE,
  AGENT_PING_TIMEOUT_MS,
  AgentListSchema,
  AgentTokenListSchema,
  CodeLocationListSchema,
  QueueReplySchema,
  RunReplySchema,
} from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { useCoordinatorClock } from "../test/coordinator-clock";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { eventTypes, getRunReply, newFake, registerFake } from "../test/fixtures";
import { call, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";
import { closeOpenAgents, connectAgent, makeAgentToken, putDefinitions } from "../test/test-agent";

useCleanDatabase();
useRunCoordinator("queued");
afterEach(closeOpenAgents);
const { manualClock } = useCoordinatorClock();

const greet = { location: "fleet", job: "greet", run_config: { ops: { greet: { config: { name: "Ada" } } } } };

async function submit() {
  const res = await call("POST", "/api/runs", { body: greet });
  expect(res.status).toBe(201);
  return RunReplySchema.parse(await res.json()).run;
}

describe("agent tokens", () => {
  it("are made by an admin for one code location, shown once, listed without the secret, revoked, and audited", async () => {
    const made = await makeAgentToken("fleet");
    expect(made.secret).toMatch(/^fda_/);
    expect(made.token).toMatchObject({ name: "fleet agents", location: "fleet", revoked_at: null });
    const list = AgentTokenListSchema.parse(await (await call("GET", "/api/agent-tokens")).json());
    expect(list.tokens.map((t) => t.id)).toEqual([made.token.id]);
    expect(JSON.stringify(list)).not.toContain(made.secret);

    const revoked = await call("DELETE", `/api/agent-tokens/${made.token.id}`);
    expect(revoked.status).toBe(200);
    await expectError(await putDefinitions(made.secret), 401, "unauthorized");
    await expectError(await call("DELETE", "/api/agent-tokens/agt_nope"), 404, "token_not_found");

    const audit = (await (await call("GET", "/api/audit?limit=10")).json()) as { entries: { action: string }[] };
    expect(audit.entries.map((e) => e.action)).toEqual(["agent_token.revoke", "agent_token.create"]);
  });

  it("refuse a bad body with 422 and store nothing", async () => {
    await expectError(
      await call("POST", "/api/agent-tokens", { body: { name: "x", location: "Bad Name" } }),
      422,
      "validation_failed",
    );
    const list = AgentTokenListSchema.parse(await (await call("GET", "/api/agent-tokens")).json());
    expect(list.tokens).toEqual([]);
  });
});

describe("an agent location", () => {
  it("is registered from the definitions its agent sends, and is not reloaded from a URL", async () => {
    const { secret } = await makeAgentToken("fleet");
    const res = await putDefinitions(secret);
    expect(res.status).toBe(200);
    const list = CodeLocationListSchema.parse(await (await call("GET", "/api/code-locations")).json());
    expect(list.code_locations[0]).toMatchObject({
      name: "fleet",
      url: "agent://fleet",
      status: "LOADED",
      job_count: SAMPLE_DEFINITIONS.jobs.length,
    });
    await expectError(await call("POST", "/api/code-locations/fleet/reload"), 409, "conflict");
  });

  it("cannot take the name of a pushed code location server", async () => {
    const fake = newFake();
    const spy = interceptCodeLocations(fake);
    try {
      await registerFake(fake, "fleet");
      const { secret } = await makeAgentToken("fleet");
      await expectError(await putDefinitions(secret), 409, "conflict");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("an agent's socket", () => {
  it("gets launches up to its max runs; then runs wait for agent capacity; a closed socket fails its runs with AGENT_LOST", async () => {
    const { secret } = await makeAgentToken("fleet");
    expect((await putDefinitions(secret)).status).toBe(200);
    const agent = await connectAgent(secret);
    agent.ws.send(JSON.stringify({ type: "hello", definitions_version: "v1", max_runs: 1, host: "test" }));
    expect(await agent.nextMessage()).toMatchObject({ type: "welcome" });

    const listed = AgentListSchema.parse(await (await call("GET", "/api/agents")).json());
    expect(listed.agents).toMatchObject([
      { location: "fleet", max_runs: 1, definitions_version: "v1", running_runs: [] },
    ]);

    const first = await submit();
    const launch = await agent.nextMessage();
    expect(launch).toMatchObject({ type: "launch", request: { run_id: first.id, job: "greet", attempt: 1 } });

    const second = await submit();
    await coordinatorStub(env).settle();
    const queue = QueueReplySchema.parse(await (await call("GET", "/api/queue")).json());
    expect(queue.queued.map((q) => [q.run_id, q.wait])).toEqual([
      [second.id, { reason: "agent_capacity", location: "fleet", capacity: 1, in_use: 1, agents: 1 }],
    ]);
    expect(queue.limits.agents).toEqual([{ location: "fleet", capacity: 1, in_use: 1, agents: 1 }]);
    const running = AgentListSchema.parse(await (await call("GET", "/api/agents")).json());
    expect(running.agents[0]?.running_runs).toEqual([first.id]);

    agent.ws.close(1000, "bye");
    let run = await getRunReply(first.id);
    while (run.status !== "FAILURE") run = await getRunReply(first.id);
    const failure = (await (await call("GET", `/api/runs/${first.id}/events`)).json()) as {
      events: { type: string; data?: { failure_reason?: string } | null }[];
    };
    expect(failure.events.find((e) => e.type === "RUN_FAILURE")?.data?.failure_reason).toBe("AGENT_LOST");
    expect(await eventTypes(second.id)).not.toContain("RUN_STARTING");
  });

  it("records on the run which agent it was placed on (id and host), in D1 and its event log, kept after the agent is gone", async () => {
    const { secret } = await makeAgentToken("fleet");
    expect((await putDefinitions(secret)).status).toBe(200);
    const agent = await connectAgent(secret);
    agent.ws.send(JSON.stringify({ type: "hello", definitions_version: "v1", max_runs: 1, host: "box-1 (pid 42)" }));
    const welcome = await agent.nextMessage();
    if (welcome.type !== "welcome") throw new Error(`expected a welcome, got ${welcome.type}`);
    const placed = { id: welcome.agent_id, host: "box-1 (pid 42)" };

    const run = await submit();
    expect(await agent.nextMessage()).toMatchObject({ type: "launch", request: { run_id: run.id } });
    await coordinatorStub(env).settle();
    expect((await getRunReply(run.id)).agent).toEqual(placed);
    const log = (await (await call("GET", `/api/runs/${run.id}/events`)).json()) as {
      events: { type: string; message: string | null; data?: Record<string, unknown> | null }[];
    };
    const launched = log.events.find((e) => e.type === "ENGINE_EVENT" && e.message?.startsWith("Launched on agent"));
    expect(launched).toMatchObject({
      message: `Launched on agent ${placed.id} (box-1 (pid 42)).`,
      data: { agent_id: placed.id, agent_host: placed.host },
    });

    agent.ws.close(1000, "bye");
    let ended = await getRunReply(run.id);
    while (ended.status !== "FAILURE") ended = await getRunReply(run.id);
    expect(ended.agent).toEqual(placed);
    expect(AgentListSchema.parse(await (await call("GET", "/api/agents")).json()).agents).toEqual([]);
  });

  it("declares an agent that stops pinging lost once AGENT_PING_TIMEOUT_MS passed, closing its socket and failing its runs", async () => {
    const clock = await manualClock();
    const { secret } = await makeAgentToken("fleet");
    expect((await putDefinitions(secret)).status).toBe(200);
    const agent = await connectAgent(secret);
    const closed = new Promise<number>((resolve) => agent.ws.addEventListener("close", (event) => resolve(event.code)));
    agent.ws.send(JSON.stringify({ type: "hello", definitions_version: "v1", max_runs: 2, host: "test" }));
    expect(await agent.nextMessage()).toMatchObject({ type: "welcome" });
    const run = await submit();
    expect(await agent.nextMessage()).toMatchObject({ type: "launch", request: { run_id: run.id } });

    clock.advance(AGENT_PING_TIMEOUT_MS - 1);
    await runDurableObjectAlarm(coordinatorStub(env));
    expect(AgentListSchema.parse(await (await call("GET", "/api/agents")).json()).agents).toHaveLength(1);

    clock.advance(2);
    await runDurableObjectAlarm(coordinatorStub(env));
    expect(await closed).toBe(AGENT_CLOSE.missedPings);
    await coordinatorStub(env).settle();
    expect((await getRunReply(run.id)).status).toBe("FAILURE");
    expect(AgentListSchema.parse(await (await call("GET", "/api/agents")).json()).agents).toEqual([]);
  });
});
