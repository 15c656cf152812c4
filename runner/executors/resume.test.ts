/**
 * A resumed attempt (run monitoring's resume, `resume: true` with `succeeded_step_keys`): the steps
 * an earlier attempt finished are not run again, and the steps downstream load their outputs from
 * this run's stored outputs, with either executor's plan (step-plan.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { LaunchRequest } from "../../protocol";
import type { NewEvent } from "../events/event-log";
import { defineJob } from "../sdk/job";
import { defineOp, In } from "../sdk/op";
import { inProcessExecutor } from "./in-process";
import { FsIoManager } from "./io-manager";
import { planSteps } from "./step-plan";

const launch: LaunchRequest = {
  run_id: "r",
  attempt: 1,
  location: "l",
  job: "j",
  run_config: {},
  tags: {},
  events_url: "http://127.0.0.1:9/events",
  run_token: "t",
};

function recorder() {
  const events: NewEvent[] = [];
  let seq = 0;
  const emit = (event: NewEvent) => {
    events.push(event);
    return { seq: ++seq, type: event.type, ts: 0 };
  };
  return { emit, events, steps: () => events.filter((e) => e.type !== "LOG").map((e) => `${e.type} ${e.stepKey}`) };
}

describe("a resumed attempt", () => {
  it("runs only the steps an earlier attempt did not finish, loading the others' outputs from this run", async () => {
    let oneRuns = 0;
    let workerAlive = false;
    const one = defineOp({ name: "one", run: () => ++oneRuns });
    const add = defineOp({
      name: "add",
      ins: { a: In<number>(), b: In<number>() },
      run: (_ctx, { a, b }) => {
        // Stands for the run worker dying in the middle of this step in attempt 1.
        if (!workerAlive) throw new Error("the run worker died");
        return a + b;
      },
    });
    const job = defineJob({ name: "j", graph: () => add({ a: one(), b: one.alias("other")() }) });
    const ioDir = mkdtempSync(join(tmpdir(), "flightdeck-resume-"));
    onTestFinished(() => rmSync(ioDir, { recursive: true, force: true }));
    const io = new FsIoManager(ioDir);
    await inProcessExecutor.execute({ job, launch, emit: recorder().emit, signal: new AbortController().signal, io });
    expect(oneRuns).toBe(2);

    workerAlive = true;
    const { emit, events, steps } = recorder();
    const resumed: LaunchRequest = { ...launch, attempt: 2, resume: true, succeeded_step_keys: ["one", "other"] };
    const result = await inProcessExecutor.execute({
      job,
      launch: resumed,
      emit,
      signal: new AbortController().signal,
      io,
    });
    expect(result.failed).toEqual([]);
    expect(steps()).toEqual(["STEP_START add", "STEP_OUTPUT add", "STEP_SUCCESS add"]);
    expect(oneRuns).toBe(2);
    expect(events.find((e) => e.type === "STEP_OUTPUT")?.data).toEqual({ output: "result", value: 3 });
  });

  it("plans every step when resume names none, and ignores succeeded steps without resume", () => {
    const one = defineOp({ name: "one", run: () => 1 });
    const job = defineJob({ name: "j", graph: () => one() });
    expect(planSteps(job, { ...launch, resume: true }).nodes.map((n) => n.name)).toEqual(["one"]);
    expect(planSteps(job, { ...launch, succeeded_step_keys: ["one"] }).nodes.map((n) => n.name)).toEqual(["one"]);
    expect([...planSteps(job, { ...launch, resume: true, succeeded_step_keys: ["one"] }).reused]).toEqual(["one"]);
  });

  it("keeps a re-execution's selection and drops from it what the earlier attempt finished", () => {
    const a = defineOp({ name: "a", run: () => 1 });
    const b = defineOp({ name: "b", ins: { x: In<number>() }, run: (_ctx, { x }) => x });
    const c = defineOp({ name: "c", ins: { x: In<number>() }, run: (_ctx, { x }) => x });
    const job = defineJob({ name: "j", graph: () => c({ x: b({ x: a() }) }) });
    const plan = planSteps(job, {
      ...launch,
      reexecution: { parent_run_id: "p", step_keys: ["b", "c"] },
      resume: true,
      succeeded_step_keys: ["b"],
    });
    expect(plan.nodes.map((n) => n.name)).toEqual(["c"]);
    expect([...plan.reused].sort()).toEqual(["a", "b"]);
  });
});
