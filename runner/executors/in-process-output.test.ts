import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { LaunchRequest } from "../../protocol";
import { defineJob } from "../sdk/job";
import { defineOp } from "../sdk/op";
import { inProcessExecutor } from "./in-process";

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

const emit = () => ({ seq: 1, type: "LOG" as const, ts: 0 });
const log = (runDir: string, step: string, stream: string) =>
  readFileSync(join(runDir, "compute-logs", step, `${stream}.log`), "utf8");

describe("in-process compute logs", () => {
  it("captures what each step writes to stdout and stderr in its own log, and restores the streams", async () => {
    // Node's console writes through these; vitest replaces console, so the test writes to them directly.
    const first = defineOp({
      name: "first",
      run: () => {
        process.stdout.write("hello from first\n");
        process.stderr.write(Buffer.from("warning from first\n"));
      },
    });
    const second = defineOp({ name: "second", run: () => process.stdout.write("second here\n") });
    const job = defineJob({ name: "j", executor: "in_process", graph: () => [first(), second()] });
    const runDir = mkdtempSync(join(tmpdir(), "flightdeck-inproc-"));
    onTestFinished(() => rmSync(runDir, { recursive: true, force: true }));
    const writeBefore = process.stdout.write;
    await inProcessExecutor.execute({ job, launch, emit, signal: new AbortController().signal, runDir });
    expect(log(runDir, "first", "stdout")).toBe("hello from first\n");
    expect(log(runDir, "first", "stderr")).toBe("warning from first\n");
    expect(log(runDir, "second", "stdout")).toBe("second here\n");
    expect(log(runDir, "second", "stderr")).toBe("");
    expect(process.stdout.write).toBe(writeBefore);
  });

  it("leaves the streams alone without a run dir (unit tests, embedding)", async () => {
    const writeBefore = process.stdout.write;
    let writeDuringStep: unknown = null;
    const quiet = defineOp({ name: "quiet", run: () => (writeDuringStep = process.stdout.write) });
    const job = defineJob({ name: "j", executor: "in_process", graph: () => quiet() });
    await inProcessExecutor.execute({ job, launch, emit, signal: new AbortController().signal });
    expect(writeDuringStep).toBe(writeBefore);
  });

  it("writes each ctx.log call to the step's stderr too, as Dagster's console logger does", async () => {
    const chatty = defineOp({
      name: "chatty",
      run: (ctx) => {
        ctx.log.info("loaded 3 rows");
        ctx.log.warning("one row was empty");
      },
    });
    const job = defineJob({ name: "j", executor: "in_process", graph: () => chatty() });
    const runDir = mkdtempSync(join(tmpdir(), "fd-inproc-"));
    await inProcessExecutor.execute({ job, launch, emit, signal: new AbortController().signal, runDir });
    const lines = log(runDir, "chatty", "stderr").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z - flightdeck - INFO - j - r - chatty - loaded 3 rows$/);
    expect(lines[1]).toMatch(/ - WARNING - j - r - chatty - one row was empty$/);
    expect(log(runDir, "chatty", "stdout")).toBe("");
    rmSync(runDir, { recursive: true, force: true });
  });
});
