import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { LaunchRequest } from "../../protocol";
import type { NewEvent } from "../events/event-log";
import { defineJob } from "../sdk/job";
import { defineOp, In } from "../sdk/op";
import { Failure, RetryRequested } from "../sdk/step-errors";
import { inProcessExecutor } from "./in-process";
import { FsIoManager } from "./io-manager";

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
  const steps = () => events.filter((e) => e.type !== "LOG").map((e) => `${e.type} ${e.stepKey}`);
  return { emit, events, steps };
}

const one = defineOp({ name: "one", run: () => 1 });
const add = defineOp({ name: "add", ins: { a: In<number>(), b: In<number>() }, run: (_ctx, { a, b }) => a + b });

describe("inProcessExecutor", () => {
  it("runs steps one at a time in dependency order and passes outputs downstream", async () => {
    const job = defineJob({ name: "j", graph: () => add({ a: one(), b: one.alias("other")() }) });
    const { emit, events, steps } = recorder();
    const result = await inProcessExecutor.execute({ job, launch, emit, signal: new AbortController().signal });
    expect(result.failed).toEqual([]);
    expect(steps()).toEqual([
      "STEP_START one",
      "STEP_OUTPUT one",
      "STEP_SUCCESS one",
      "STEP_START other",
      "STEP_OUTPUT other",
      "STEP_SUCCESS other",
      "STEP_START add",
      "STEP_OUTPUT add",
      "STEP_SUCCESS add",
    ]);
    expect(events.find((e) => e.type === "STEP_OUTPUT" && e.stepKey === "add")?.data).toEqual({
      output: "result",
      value: 2,
    });
  });

  it("reports the step that was running when the run is terminated as interrupted and starts no other", async () => {
    const controller = new AbortController();
    const wait = defineOp({
      name: "wait",
      run: (ctx) =>
        new Promise<number>((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => reject(new Error("stopped on request")));
          controller.abort();
        }),
    });
    const job = defineJob({ name: "j", graph: () => add({ a: wait(), b: one() }) });
    const { emit, events, steps } = recorder();
    const result = await inProcessExecutor.execute({ job, launch, emit, signal: controller.signal });
    expect(result.failed).toEqual(["wait"]);
    expect(steps()).toEqual(["STEP_START wait", "STEP_FAILURE wait", "STEP_SKIPPED one", "STEP_SKIPPED add"]);
    const interrupted = events.find((e) => e.type === "STEP_FAILURE");
    expect(interrupted?.message).toBe('Step "wait" was interrupted: the run was terminated.');
    expect(interrupted?.data).toMatchObject({ error_source: "INTERRUPT", error: { message: "stopped on request" } });
    expect(events.find((e) => e.stepKey === "one")?.data).toEqual({
      reason: "the run was terminated before this step started",
    });
  });

  it("reports a thrown non-Error as a failure with a readable message", async () => {
    const bad = defineOp({
      name: "bad",
      run: () => {
        throw "a string";
      },
    });
    const { emit, events } = recorder();
    await inProcessExecutor.execute({
      job: defineJob({ name: "j", graph: () => bad() }),
      launch,
      emit,
      signal: new AbortController().signal,
    });
    expect(events.find((e) => e.type === "STEP_FAILURE")?.data).toEqual({
      error: { name: "NonErrorThrown", message: 'a non-Error value was thrown: "a string"' },
      attempt: 1,
    });
  });

  it("retries on RetryRequested without a policy, and never retries Failure even with one", async () => {
    let calls = 0;
    const again = defineOp({
      name: "again",
      run: (ctx) => {
        calls++;
        if (ctx.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait: 0 });
        return ctx.retryNumber;
      },
    });
    const stop = defineOp({
      name: "stop",
      retryPolicy: { maxRetries: 5 },
      run: () => {
        throw new Failure("no point retrying");
      },
    });
    const { emit, steps } = recorder();
    const result = await inProcessExecutor.execute({
      job: defineJob({ name: "j", graph: () => add({ a: again(), b: stop() }) }),
      launch,
      emit,
      signal: new AbortController().signal,
    });
    expect(calls).toBe(2);
    expect(result.failed).toEqual(["stop"]);
    expect(steps()).toEqual([
      "STEP_START again",
      "STEP_UP_FOR_RETRY again",
      "STEP_RESTARTED again",
      "STEP_OUTPUT again",
      "STEP_SUCCESS again",
      "STEP_START stop",
      "STEP_FAILURE stop",
      "STEP_SKIPPED add",
    ]);
  });

  it("re-executes only the selected steps, loading the others' outputs from the parent run's files", async () => {
    const ioDir = mkdtempSync(join(tmpdir(), "flightdeck-io-"));
    onTestFinished(() => rmSync(ioDir, { recursive: true, force: true }));
    const io = new FsIoManager(ioDir);
    const job = defineJob({ name: "j", graph: () => add({ a: one(), b: one.alias("other")() }) });
    await inProcessExecutor.execute({ job, launch, emit: recorder().emit, signal: new AbortController().signal, io });
    io.recordParent("child", "r");
    const { emit, events, steps } = recorder();
    const child = { ...launch, run_id: "child", reexecution: { parent_run_id: "r", step_keys: ["add"] } };
    const result = await inProcessExecutor.execute({
      job,
      launch: child,
      emit,
      signal: new AbortController().signal,
      io,
    });
    expect(result.failed).toEqual([]);
    expect(steps()).toEqual(["STEP_START add", "STEP_OUTPUT add", "STEP_SUCCESS add"]);
    expect(events.find((e) => e.type === "STEP_OUTPUT")?.data).toEqual({ output: "result", value: 2 });
    expect(io.loadInput({ runId: "child", stepKey: "add", output: "result" })).toBe(2);
  });
});
