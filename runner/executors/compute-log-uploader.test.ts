import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LAUNCH_FILE, runAttemptDir } from "../run-files";
import { SpoolSweeper } from "../server/spool-sweeper";
import { ControlPlaneStub } from "../testing/control-plane-stub";
import { COMPUTE_LOGS_DIR, ComputeLogUploader } from "./compute-log-uploader";

const stub = new ControlPlaneStub();
const dirs: string[] = [];
beforeAll(() => stub.start());
afterAll(async () => {
  await stub.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A code location server's data dir holding one run dir with one step's stdout, as the multiprocess executor leaves it. */
function runDirWithLog(runId: string, text: string): { dataDir: string; dir: string; log: string } {
  const dataDir = mkdtempSync(join(tmpdir(), "flightdeck-logs-"));
  dirs.push(dataDir);
  const dir = runAttemptDir(dataDir, runId, 1);
  const stepDir = join(dir, COMPUTE_LOGS_DIR, "load");
  mkdirSync(stepDir, { recursive: true });
  const log = join(stepDir, "stdout.log");
  writeFileSync(log, text);
  const { events_url, run_token } = stub.endpointFor(runId);
  const launch = {
    run_id: runId,
    attempt: 1,
    location: "demo",
    job: "j",
    run_config: {},
    tags: {},
    events_url,
    run_token,
  };
  writeFileSync(join(dir, LAUNCH_FILE), JSON.stringify(launch));
  return { dataDir, dir, log };
}

describe("ComputeLogUploader", () => {
  it("keeps how far each file is uploaded on disk, so the next uploader sends only the rest", async () => {
    const { dir, log } = runDirWithLog("run-resume", "line 1\nline 2\n");
    const { events_url, run_token } = stub.endpointFor("run-resume");
    expect(await new ComputeLogUploader({ runDir: dir, eventsUrl: events_url, token: run_token }).tick()).toBe(true);
    expect(readFileSync(`${log}.uploaded`, "utf8")).toBe("14");

    appendFileSync(log, "line 3\n");
    const next = new ComputeLogUploader({ runDir: dir, eventsUrl: events_url, token: run_token });
    expect(next.hasPending()).toBe(true);
    expect(await next.tick()).toBe(true);
    expect(next.hasPending()).toBe(false);
    expect(stub.computeLogs.get("run-resume")?.get("load/stdout")).toBe("line 1\nline 2\nline 3\n");
    expect(readFileSync(`${log}.uploaded`, "utf8")).toBe("21");
  });
});

describe("SpoolSweeper and compute logs", () => {
  it("uploads the compute logs a dead run worker left unsent", async () => {
    const { dataDir } = runDirWithLog("run-dead", "printed before the crash\n");
    // No worker.json and no exit record: a run worker that is gone, as after a SIGKILL.
    const sweeper = new SpoolSweeper({ dataDir, isRunning: () => false });
    sweeper.sweepAll();
    await vi.waitFor(() =>
      expect(stub.computeLogs.get("run-dead")?.get("load/stdout")).toBe("printed before the crash\n"),
    );
    await sweeper.stop();
  });
});
