/**
 * The multiprocess executor, step retries, re-execution, termination and compute logs with real
 * processes: `flightdeck serve` of the executors example (plus a fan-out whose steps meet:
 * testing/fixtures/executors-rendezvous-location.ts) launches run workers that start step
 * processes, and a local stand-in for the control plane receives their events.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { LaunchReplySchema, type LaunchRequest, type RunWorkerEvent } from "../../protocol";
import { runAttemptDir } from "../run-files";
import { ControlPlaneStub } from "../testing/control-plane-stub";
import { MEET_MAX_CONCURRENT, meetRunConfig } from "../testing/fixtures/meet-config";
import { processesInGroup } from "../testing/process-table";
import { type ServeProcess, startServe, waitFor } from "../testing/serve-process";
import { STEP_SNAPSHOT_FILE } from "./step-snapshot-path";

const LOCATION = resolve(import.meta.dirname, "..", "testing", "fixtures", "executors-rendezvous-location.ts");
const FINAL = ["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"];
let serve: ServeProcess;
const controlPlane = new ControlPlaneStub();

beforeAll(async () => {
  await controlPlane.start();
  serve = await startServe({
    file: LOCATION,
    env: { FLIGHTDECK_FLUSH_TIMEOUT_SECONDS: "1" },
    args: ["--terminate-grace-seconds", "5"],
  });
  // Step processes start from the startup snapshot once it is built (the bundle before): test that path.
  const blob = join(serve.dataDir, "bundle", STEP_SNAPSHOT_FILE);
  await waitFor(() => existsSync(blob) || undefined, 30_000, "the step snapshot");
});

afterAll(async () => {
  await serve?.stop();
  await controlPlane.stop();
});

async function launch(job: string, extra: Partial<LaunchRequest> = {}, runId = randomUUID()) {
  const request = {
    run_id: runId,
    attempt: 1,
    location: "executors",
    job,
    run_config: {},
    tags: {},
    ...controlPlane.endpointFor(runId),
    ...extra,
  };
  const response = await serve.request("POST", "/runs", request);
  expect(response.status).toBe(202);
  return { runId, handle: LaunchReplySchema.parse(await response.json()).handle };
}

function finished(runId: string, timeoutMs = 30_000): Promise<RunWorkerEvent[]> {
  return waitFor(
    () => {
      const events = controlPlane.events(runId);
      return events.some((e) => FINAL.includes(e.type)) && events.length === events.at(-1)?.seq ? events : undefined;
    },
    timeoutMs,
    `run ${runId} to finish`,
  );
}

const of = (events: RunWorkerEvent[], type: string, step?: string) =>
  events.filter((e) => e.type === type && (step === undefined || e.step_key === step));

/** The most steps running at once, from STEP_START / STEP_SUCCESS|FAILURE in event order. */
function maxConcurrency(events: RunWorkerEvent[]): number {
  let running = 0;
  let max = 0;
  for (const e of events) {
    if (e.type === "STEP_START") max = Math.max(max, ++running);
    if (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE") running--;
  }
  return max;
}

describe("the multiprocess executor", () => {
  it("runs a 20-step fan-out with never more than max_concurrent (4) steps at once, each in its own process", async () => {
    // Each step waits until 4 have started: the run ends only if 4 ran at once.
    const meeting = mkdtempSync(join(tmpdir(), "flightdeck-meet-"));
    onTestFinished(() => rmSync(meeting, { recursive: true, force: true }));
    const { runId } = await launch("fan_out_meet", { run_config: meetRunConfig(meeting) });
    const events = await finished(runId);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
    expect(of(events, "STEP_SUCCESS")).toHaveLength(20);
    expect(maxConcurrency(events)).toBe(MEET_MAX_CONCURRENT);
  });

  it("retries a flaky op by its policy: two STEP_UP_FOR_RETRY, success on the third attempt, LINEAR delays", async () => {
    const { runId } = await launch("flaky");
    const events = await finished(runId);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
    expect(events.filter((e) => e.step_key === "flaky_op" && e.type !== "LOG").map((e) => e.type)).toEqual([
      "STEP_START",
      "STEP_UP_FOR_RETRY",
      "STEP_RESTARTED",
      "STEP_UP_FOR_RETRY",
      "STEP_RESTARTED",
      "STEP_OUTPUT",
      "STEP_SUCCESS",
    ]);
    const retries = of(events, "STEP_UP_FOR_RETRY");
    // The error's stack points into the user's TypeScript, also from a step process.
    expect(String((retries[0]?.data?.error as { stack?: string } | undefined)?.stack)).toMatch(
      /executors\/location\.ts:\d+/,
    );
    const restarts = of(events, "STEP_RESTARTED");
    expect(retries.map((e) => e.data?.delay_ms)).toEqual([300, 600]);
    for (const [i, retry] of retries.entries()) {
      const waited = (restarts[i]?.ts ?? 0) - retry.ts;
      // At least the policy's delay; how much more (a new step process) depends on the machine's load.
      expect(waited).toBeGreaterThanOrEqual(Number(retry.data?.delay_ms) - 5);
    }
  });

  it("re-executes from failure: only the failed last step runs, reading its input from the parent run", async () => {
    const marker = join(tmpdir(), `flightdeck-marker-${randomUUID()}`);
    onTestFinished(() => rmSync(marker, { force: true }));
    const runConfig = { ops: { c: { config: { marker } } } };
    const parent = await launch("last_fails", { run_config: runConfig });
    const parentEvents = await finished(parent.runId);
    expect(parentEvents.at(-1)?.type).toBe("RUN_FAILURE");
    expect(of(parentEvents, "STEP_SUCCESS").map((e) => e.step_key)).toEqual(["a", "b"]);

    const child = await launch("last_fails", {
      run_config: runConfig,
      reexecution: { parent_run_id: parent.runId, step_keys: ["c"] },
    });
    const events = await finished(child.runId);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
    expect(new Set(events.flatMap((e) => (e.step_key ? [e.step_key] : [])))).toEqual(new Set(["c"]));
    expect(of(events, "STEP_OUTPUT", "c")[0]?.data).toEqual({ output: "result", value: 42 });
  });

  it("terminating a run ends every step process: RUN_CANCELED and nothing left in the run's process group", async () => {
    const { runId, handle } = await launch("long_steps");
    await waitFor(
      () => of(controlPlane.events(runId), "STEP_START").length === 3 || undefined,
      30_000,
      "three steps to start",
    );
    const pgid = Number(handle.split(":")[1]);
    expect(processesInGroup(pgid).length).toBeGreaterThanOrEqual(4); // run worker + 3 step processes
    expect((await serve.request("POST", `/runs/${runId}/terminate`)).status).toBe(202);
    const events = await finished(runId, 30_000);
    expect(events.at(-1)?.type).toBe("RUN_CANCELED");
    expect(of(events, "STEP_FAILURE")).toHaveLength(3);
    await waitFor(() => processesInGroup(pgid).length === 0 || undefined, 30_000, "the run's processes to exit");
  });

  it("captures a step's stdout and stderr in its compute logs", async () => {
    const { runId } = await launch("prints");
    await finished(runId);
    await waitFor(() => controlPlane.computeLogs.get(runId)?.has("printer/stderr") || undefined, 30_000, "the upload");
    const dir = join(runAttemptDir(serve.dataDir, runId, 1), "compute-logs", "printer");
    expect(readFileSync(join(dir, "stdout.log"), "utf8")).toContain("hello from the printer, line 3");
    expect(readFileSync(join(dir, "stderr.log"), "utf8")).toContain("a line on stderr");
    // …and uploads them to the control plane with the run token.
    const uploaded = controlPlane.computeLogs.get(runId);
    expect(uploaded?.get("printer/stdout")).toBe(readFileSync(join(dir, "stdout.log"), "utf8"));
    expect(uploaded?.get("printer/stderr")).toContain("a line on stderr");
  });
});
