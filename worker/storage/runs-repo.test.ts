import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { useCleanDatabase } from "../test/helpers";
import { openDatabase, runBatch } from "./db";
import {
  getRun,
  insertRunStatements,
  recordRunAgent,
  runTransitionStatement,
  saveLaunchHandle,
  transitionRun,
} from "./runs-repo";

useCleanDatabase();

const db = () => openDatabase(env.DB);

const run = (id: string): Run => ({
  id,
  location: "demo",
  job: "greet",
  status: "NOT_STARTED",
  run_config: {},
  tags: { a: "1" },
  priority: 0,
  attempt: 1,
  parent_run_id: null,
  root_run_id: null,
  created_at: 1,
  updated_at: 1,
  started_at: null,
  ended_at: null,
  agent: null,
});

const starting = (runId: string) => ({
  runId,
  attempt: 1,
  type: "RUN_STARTING" as const,
  ts: 2,
  level: "INFO" as const,
  message: "starting",
});

async function countEvents(runId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM event_log WHERE run_id = ?")
    .bind(runId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("transitionRun", () => {
  it("applies an allowed transition and logs its event with it", async () => {
    await runBatch(db(), insertRunStatements(db(), run("r1")));
    expect(await transitionRun(db(), { runId: "r1", to: "STARTING", now: 2 }, starting("r1"))).toBe(true);
    expect(await countEvents("r1")).toBe(1);
  });

  it("changes nothing and logs nothing for a writer that lost the race", async () => {
    await runBatch(db(), insertRunStatements(db(), run("r1")));
    await transitionRun(db(), { runId: "r1", to: "CANCELED", now: 2 });
    expect(await transitionRun(db(), { runId: "r1", to: "STARTING", now: 3 }, starting("r1"))).toBe(false);
    expect(await countEvents("r1")).toBe(0);
    const row = await env.DB.prepare("SELECT status, updated_at FROM runs").first();
    expect(row).toEqual({ status: "CANCELED", updated_at: 2 });
  });

  it("ignores a write for another attempt", async () => {
    await runBatch(db(), insertRunStatements(db(), run("r1")));
    expect(await transitionRun(db(), { runId: "r1", to: "STARTING", attempt: 2, now: 2 })).toBe(false);
  });

  it("refuses to build a write the state machine does not allow", () => {
    expect(() => runTransitionStatement(db(), { runId: "r1", to: "STARTED", from: ["NOT_STARTED"], now: 1 })).toThrow(
      /not a transition/,
    );
  });
});

describe("the agent a run was launched on", () => {
  const agent = { id: "agent_0a1b2c", host: "box-1 pid 42" };

  it("is saved with the launch handle, with a launch event, and read back on the run", async () => {
    await runBatch(db(), insertRunStatements(db(), run("r1")));
    const saved = await saveLaunchHandle(db(), "r1", 1, `agent:${agent.id}`, 5, agent);
    expect(saved?.agent).toEqual(agent);
    expect((await getRun(db(), "r1"))?.agent).toEqual(agent);
    const event = await env.DB.prepare("SELECT type, message FROM event_log WHERE run_id = ?").bind("r1").first();
    expect(event).toEqual({ type: "ENGINE_EVENT", message: `Launched on agent ${agent.id} (box-1 pid 42).` });
  });

  it("is not recorded for an attempt that is no longer the run's, and a launch without an agent records none", async () => {
    await runBatch(db(), insertRunStatements(db(), run("r1")));
    await recordRunAgent(db(), "r1", 2, agent, 5);
    await saveLaunchHandle(db(), "r1", 1, "http-handle", 6);
    expect((await getRun(db(), "r1"))?.agent).toBeNull();
    expect(await countEvents("r1")).toBe(0);
    await recordRunAgent(db(), "r1", 1, agent, 7);
    expect((await getRun(db(), "r1"))?.agent).toEqual(agent);
    expect(await countEvents("r1")).toBe(1);
  });
});
