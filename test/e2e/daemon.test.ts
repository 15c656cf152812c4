/**
 * The daemon end to end: `wrangler dev --test-scheduled` (GET /__scheduled runs scheduled()), a
 * real `flightdeck serve` of the demo location, real run worker processes killed for real.
 * - a run worker SIGKILLed mid-run: the run is FAILURE with the reason before any daemon
 *   iteration (the code location server reports the death), and run retries launch a retry
 *   that succeeds;
 * - a run past its `flightdeck/max_runtime` is terminated by run monitoring and fails;
 * - the demo's `new_files` sensor launches one run per new file, each once, across restarts of
 *   the control plane and the code location server.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunListSchema } from "../../protocol";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  registerCodeLocation,
  stopStack,
} from "../../scripts/lib/local-stack";
import {
  DEMO_LOCATION_FILE,
  isProcessAlive,
  runScheduled,
  runWorkerPid,
  startCodeLocation,
  startScheduledControlPlane,
  startTogether,
  waitUntil,
} from "../support/e2e-stack";

const ADMIN_TOKEN = generateAdminToken();
let dir: string;
let controlPlane: ControlPlane;
let location: CodeLocationServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-daemon-"));
  [controlPlane, location] = await startTogether(
    [
      startScheduledControlPlane({
        persistDir: path.join(dir, "state"),
        adminToken: ADMIN_TOKEN,
        instanceConfig: {
          // Launch at once: these tests are about the daemon, not the queue.
          run_coordinator: { type: "default" },
          run_retries: { enabled: true, max_retries: 1 },
        },
      }),
      startLocation(),
    ],
    ([started, server]) => stopStack([server], started),
  );
  const registered = await registerCodeLocation(controlPlane, location);
  if (registered.status !== "LOADED") throw new Error(`demo location did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await stopStack([location], controlPlane);
  await rm(dir, { recursive: true, force: true });
});

function startLocation(): Promise<CodeLocationServer> {
  return startCodeLocation({
    name: "demo",
    file: DEMO_LOCATION_FILE,
    dataDir: path.join(dir, "demo"),
    env: { FLIGHTDECK_DEMO_INBOX: path.join(dir, "inbox"), FLIGHTDECK_DEMO_SENSOR_INTERVAL: "1" },
  });
}

describe("run monitoring and run retries against real run workers", () => {
  it("fails a run whose worker is SIGKILLed, with the reason, before run monitoring; its retry succeeds", async () => {
    const { client } = controlPlane;
    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      // Long enough that the kill lands mid-nap even when STARTED is seen late; the retry naps too.
      run_config: { ops: { nap: { config: { seconds: 8 } } } },
    });
    await client.waitForRun(submitted.id, { statuses: ["STARTED"] });
    const pid = runWorkerPid(path.join(dir, "demo"), submitted.id);
    expect(pid).not.toBeNull();

    const killedAt = Date.now();
    process.kill(pid ?? 0, "SIGKILL");
    // No daemon iteration runs before this, so only the code location server can have reported it.
    await waitUntil(async () => (await client.getRun(submitted.id)).status === "FAILURE", 60_000, "the run to fail");
    console.log(`run worker death → run FAILURE: ${Date.now() - killedAt} ms`);
    expect(isProcessAlive(pid ?? 0)).toBe(false);

    const events = await client.listEvents(submitted.id);
    const failure = events.find((e) => e.type === "RUN_FAILURE");
    expect(failure?.message).toContain("killed by SIGKILL");
    expect(failure?.data).toMatchObject({ failure_reason: "RUN_WORKER_CRASHED" });
    expect(events.find((e) => e.type === "ENGINE_EVENT" && e.level === "ERROR")?.data).toMatchObject({
      signal: "SIGKILL",
    });

    // Run retries, on the next daemon iteration; a second one makes no second retry.
    await runScheduled(controlPlane);
    await runScheduled(controlPlane);
    const decisions = (await client.listEvents(submitted.id)).filter((e) => e.data?.retry === "RETRY");
    expect(decisions).toHaveLength(1);
    const retryId = String(decisions[0]?.data?.retry_run_id);
    const retry = await client.waitForRun(retryId, { timeoutMs: 30_000 });
    expect(retry.status).toBe("SUCCESS");
    expect(retry.tags).toMatchObject({
      "flightdeck/retry_number": "1",
      "flightdeck/parent_run_id": submitted.id,
      "flightdeck/root_run_id": submitted.id,
    });
  });

  it("terminates a run that exceeds its flightdeck/max_runtime and fails it", async () => {
    const { client } = controlPlane;
    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 60 } } } },
      tags: { "flightdeck/max_runtime": "2", "flightdeck/max_retries": "0" },
    });
    await client.waitForRun(submitted.id, { statuses: ["STARTED"] });
    const pid = runWorkerPid(path.join(dir, "demo"), submitted.id);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await runScheduled(controlPlane);

    const run = await client.getRun(submitted.id);
    expect(run.status).toBe("FAILURE");
    const events = await client.listEvents(run.id);
    expect(events.find((e) => e.type === "RUN_FAILURE")?.message).toContain("maximum runtime of 2 seconds");
    await waitUntil(() => !isProcessAlive(pid ?? 0), 30_000, "the run worker to be terminated");
  });
});

describe("the demo's file sensor", () => {
  async function sensorRuns(): Promise<string[]> {
    const res = await fetch(`${controlPlane.url}/api/runs?tag=flightdeck/sensor=new_files&limit=100`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { runs } = RunListSchema.parse(await res.json());
    return runs.map((run) => run.tags.file ?? "").sort();
  }
  /** The sensor's runs reach `files`: its alarm may be evaluating it while the cron does, and its runs land a moment later. */
  async function untilSensorRuns(files: string[]): Promise<void> {
    await waitUntil(async () => (await sensorRuns()).join() === files.join(), 30_000, `runs for ${files.join(", ")}`);
    expect(await sensorRuns()).toEqual(files);
  }
  // Past the sensor's 1 s minimum interval, so the next iteration evaluates it.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1100));

  it("launches one run per new file, each once, across restarts", async () => {
    const inbox = path.join(dir, "inbox");
    await mkdir(inbox, { recursive: true });
    await writeFile(path.join(inbox, "a.csv"), "1");
    await writeFile(path.join(inbox, "b.csv"), "2");
    await pause();
    await runScheduled(controlPlane);
    await untilSensorRuns(["a.csv", "b.csv"]);
    await pause();
    await runScheduled(controlPlane);
    expect(await sensorRuns()).toEqual(["a.csv", "b.csv"]);

    // Restart both sides; the run keys live in D1, so nothing launches twice.
    await location.stop();
    await controlPlane.stop();
    await controlPlane.start();
    location = await startLocation();
    await registerCodeLocation(controlPlane, location);
    await writeFile(path.join(inbox, "c.csv"), "3");
    await pause();
    await runScheduled(controlPlane);
    await untilSensorRuns(["a.csv", "b.csv", "c.csv"]);

    const ticks = await fetch(`${controlPlane.url}/api/sensors/new_files/ticks`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ticks.status).toBe(200);
  });
});
