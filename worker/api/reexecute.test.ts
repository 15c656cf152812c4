import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Definitions, JobDefinition } from "../../protocol";
import { RunLineageSchema, RunReplySchema } from "../../protocol";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { forceStatus, newFake, registerFake } from "../test/fixtures";
import { call, countRows, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Launch at once, so the fake's launches (and run tokens) are there when submit returns.
useRunCoordinator("default");

const node = (name: string, ...upstream: string[]): JobDefinition["nodes"][number] => ({
  name,
  op: name,
  description: null,
  tags: {},
  inputs: upstream.map((u) => ({ name: u, description: null, from: { node: u, output: "result" } })),
  outputs: [{ name: "result", description: null }],
  config_schema: null,
});
const CHAIN: JobDefinition = {
  name: "chain",
  description: null,
  tags: {},
  executor: "multiprocess",
  nodes: [node("a"), node("b", "a"), node("c", "b")],
  run_config_schema: { type: "object" },
  default_run_config: {},
};

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
beforeEach(async () => {
  fake = newFake();
  fake.definitions = { ...SAMPLE_DEFINITIONS, jobs: [...SAMPLE_DEFINITIONS.jobs, CHAIN] } satisfies Definitions;
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(() => {
  expect(fake.rejected).toEqual([]);
  spy.mockRestore();
});

async function failedChainRun(succeeded: string[]) {
  const res = await call("POST", "/api/runs", { body: { location: "demo", job: "chain", tags: { team: "x" } } });
  const run = RunReplySchema.parse(await res.json()).run;
  await forceStatus(run.id, "FAILURE");
  let seq = 0;
  for (const step of succeeded) {
    await env.DB.prepare(
      "INSERT INTO event_log (run_id, attempt, seq, type, ts, step_key, level) VALUES (?, 1, ?, 'STEP_SUCCESS', 1, ?, 'INFO')",
    )
      .bind(run.id, ++seq, step)
      .run();
  }
  return run;
}

async function reexecute(id: string, body: unknown) {
  return call("POST", `/api/runs/${id}/reexecute`, { body });
}

describe("POST /api/runs/:id/reexecute", () => {
  it("FROM_FAILURE launches a child run of only the failed step and its downstream, with lineage tags", async () => {
    const parent = await failedChainRun(["a"]);
    const res = await reexecute(parent.id, { strategy: "FROM_FAILURE" });
    expect(res.status).toBe(201);
    const child = RunReplySchema.parse(await res.json()).run;
    expect(child).toMatchObject({
      job: "chain",
      parent_run_id: parent.id,
      root_run_id: parent.id,
      tags: { team: "x", "flightdeck/parent_run_id": parent.id, "flightdeck/root_run_id": parent.id },
    });
    expect(fake.launches.at(-1)).toMatchObject({
      run_id: child.id,
      reexecution: { parent_run_id: parent.id, step_keys: ["b", "c"] },
    });
    // A normal submit carries no reexecution.
    expect(fake.launches[0]?.reexecution).toBeUndefined();
  });

  it("a re-execution of a re-execution keeps the root and counts steps outside the parent's selection as done", async () => {
    const root = await failedChainRun(["a"]);
    const first = RunReplySchema.parse(await (await reexecute(root.id, { strategy: "FROM_FAILURE" })).json()).run;
    await forceStatus(first.id, "FAILURE");
    await env.DB.prepare(
      "INSERT INTO event_log (run_id, attempt, seq, type, ts, step_key, level) VALUES (?, 1, 1, 'STEP_SUCCESS', 1, 'b', 'INFO')",
    )
      .bind(first.id)
      .run();
    const res = await reexecute(first.id, { strategy: "FROM_FAILURE", tags: { "flightdeck/max_retries": "2" } });
    const second = RunReplySchema.parse(await res.json()).run;
    expect(second).toMatchObject({ parent_run_id: first.id, root_run_id: root.id });
    expect(second.tags["flightdeck/max_retries"]).toBe("2");
    expect(fake.launches.at(-1)?.reexecution).toEqual({ parent_run_id: first.id, step_keys: ["c"] });

    const lineage = RunLineageSchema.parse(await (await call("GET", `/api/runs/${second.id}/lineage`)).json());
    expect(lineage.runs.map((r) => r.id)).toEqual([root.id, first.id, second.id]);
    expect(lineage.plan?.step_keys).toEqual(["c"]);
  });

  it("ALL_STEPS runs every step", async () => {
    const parent = await failedChainRun(["a", "b"]);
    await reexecute(parent.id, { strategy: "ALL_STEPS" });
    expect(fake.launches.at(-1)?.reexecution?.step_keys).toEqual(["a", "b", "c"]);
  });

  it("SELECTED_STEPS runs exactly the chosen steps, or with include_downstream those and what follows", async () => {
    const parent = await failedChainRun(["a"]);
    await reexecute(parent.id, { strategy: "SELECTED_STEPS", step_keys: ["b"] });
    expect(fake.launches.at(-1)?.reexecution?.step_keys).toEqual(["b"]);
    const from = RunReplySchema.parse(
      await (
        await reexecute(parent.id, { strategy: "SELECTED_STEPS", step_keys: ["b"], include_downstream: true })
      ).json(),
    ).run;
    expect(fake.launches.at(-1)?.reexecution?.step_keys).toEqual(["b", "c"]);
    const lineage = RunLineageSchema.parse(await (await call("GET", `/api/runs/${from.id}/lineage`)).json());
    expect(lineage.plan).toEqual({ parent_run_id: parent.id, strategy: "SELECTED_STEPS", step_keys: ["b", "c"] });
  });

  it("refuses a selection of unknown steps (422), of none (422), or one reading an output the parent never made (409), storing nothing", async () => {
    const parent = await failedChainRun(["a"]);
    const before = await countRows("runs");
    const unknown = await reexecute(parent.id, { strategy: "SELECTED_STEPS", step_keys: ["b", "zz"] });
    await expectError(unknown, 422, "validation_failed");
    await expectError(
      await reexecute(parent.id, { strategy: "SELECTED_STEPS", step_keys: [] }),
      422,
      "validation_failed",
    );
    // c reads b, which failed in the parent.
    const missing = await reexecute(parent.id, { strategy: "SELECTED_STEPS", step_keys: ["c"] });
    const body = await expectError(missing, 409, "conflict");
    expect(body.message).toContain('"b"');
    expect(await countRows("runs")).toBe(before);
  });

  it("refuses a run still in progress, a successful run from failure, an unknown run and a bad strategy, storing nothing", async () => {
    const res = await call("POST", "/api/runs", { body: { location: "demo", job: "chain" } });
    const running = RunReplySchema.parse(await res.json()).run;
    const before = await countRows("runs");
    await expectError(await reexecute(running.id, { strategy: "ALL_STEPS" }), 409, "invalid_transition");
    await forceStatus(running.id, "SUCCESS");
    for (const step of ["a", "b", "c"]) {
      await env.DB.prepare(
        "INSERT INTO event_log (run_id, attempt, seq, type, ts, step_key, level) VALUES (?, 1, ?, 'STEP_SUCCESS', 1, ?, 'INFO')",
      )
        .bind(running.id, step.charCodeAt(0), step)
        .run();
    }
    await expectError(await reexecute(running.id, { strategy: "FROM_FAILURE" }), 409, "conflict");
    await expectError(await reexecute("nope", { strategy: "ALL_STEPS" }), 404, "run_not_found");
    await expectError(await reexecute(running.id, { strategy: "SOME" }), 422, "validation_failed");
    expect(await countRows("runs")).toBe(before);
  });
});
