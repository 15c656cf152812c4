/**
 * What becomes of run worker processes when their code location server is gone, with real
 * processes: a standby worker (no run yet) exits however the server ended, SIGKILL included, and
 * on SIGTERM; a run worker in the middle of a run keeps running to the run's end and reports it
 * (see run-worker.ts for why); a run worker waiting for acknowledgements stops waiting on SIGTERM.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { SPOOL_EVENTS_FILE } from "../events/spool";
import { runAttemptDir } from "../run-files";
import { ControlPlaneStub } from "../testing/control-plane-stub";
import { childProcesses, isRunning } from "../testing/process-table";
import { type ServeProcess, startServe, waitFor } from "../testing/serve-process";
import { STANDBY_FLAG } from "./standby";

const GATED_LOCATION = join(import.meta.dirname, "..", "testing", "fixtures", "gated-location.ts");
/** Generous: these waits end as soon as the condition holds; the bound only matters when it never does. */
const EXIT_WAIT_MS = 30_000;

const controlPlane = new ControlPlaneStub();
beforeAll(() => controlPlane.start());
afterAll(() => controlPlane.stop());

async function serve(options: Parameters<typeof startServe>[0] = {}): Promise<ServeProcess> {
  const server = await startServe(options);
  onTestFinished(() => server.stop());
  return server;
}

function standbyPid(server: ServeProcess): Promise<number> {
  const serverPid = server.child.pid ?? 0;
  return waitFor(
    () => childProcesses(serverPid).find((p) => p.args.includes(STANDBY_FLAG))?.pid,
    EXIT_WAIT_MS,
    "a standby worker",
  );
}

async function launch(server: ServeProcess, job: string, runConfig: unknown = {}) {
  const runId = randomUUID();
  const request = { run_id: runId, attempt: 1, location: "t", job, run_config: runConfig, tags: {} };
  const res = await server.request("POST", "/runs", { ...request, ...controlPlane.endpointFor(runId) });
  expect(res.status).toBe(202);
  const { handle } = (await res.json()) as { handle: string };
  return { runId, pid: Number(handle.split(":")[1]) };
}

const hasEvent = (runId: string, type: string, message?: string) =>
  controlPlane.events(runId).some((e) => e.type === type && (message === undefined || e.message?.includes(message)));

describe("a standby worker", () => {
  it("exits when its server is killed with SIGKILL", async () => {
    const server = await serve();
    const pid = await standbyPid(server);
    server.child.kill("SIGKILL");
    await waitFor(() => !isRunning(pid), EXIT_WAIT_MS, "the standby worker to exit");
  });

  it("exits on SIGTERM", async () => {
    const server = await serve();
    const pid = await standbyPid(server);
    process.kill(pid, "SIGTERM");
    await waitFor(() => !isRunning(pid), EXIT_WAIT_MS, "the standby worker to exit");
  });
});

describe("a run worker whose server is gone", () => {
  it("keeps running the run it started, reports how it ended, then exits", async () => {
    const server = await serve({ file: GATED_LOCATION });
    const release = join(server.dataDir, "release");
    const run = await launch(server, "gated", { ops: { wait_for_file: { config: { file: release } } } });
    await waitFor(() => hasEvent(run.runId, "LOG", "waiting for"), EXIT_WAIT_MS, "the op to wait");
    server.child.kill("SIGKILL");
    await waitFor(() => server.child.exitCode !== null || server.child.signalCode !== null, EXIT_WAIT_MS, "the kill");
    expect(isRunning(run.pid)).toBe(true);
    writeFileSync(release, "");
    await waitFor(() => hasEvent(run.runId, "RUN_SUCCESS"), EXIT_WAIT_MS, "RUN_SUCCESS");
    expect(hasEvent(run.runId, "LOG", "released")).toBe(true);
    await waitFor(() => !isRunning(run.pid), EXIT_WAIT_MS, "the run worker to exit");
  });
});

describe("a run worker whose run has ended", () => {
  it("stops waiting for acknowledgements on SIGTERM; the events stay in its spool", async () => {
    const server = await serve();
    controlPlane.down = true;
    onTestFinished(() => {
      controlPlane.down = false;
    });
    const run = await launch(server, "noop");
    const spool = join(runAttemptDir(server.dataDir, run.runId, 1), SPOOL_EVENTS_FILE);
    await waitFor(
      () => existsSync(spool) && readFileSync(spool, "utf8").includes('"RUN_SUCCESS"'),
      EXIT_WAIT_MS,
      "the run to end in the spool",
    );
    process.kill(run.pid, "SIGTERM");
    await waitFor(() => !isRunning(run.pid), EXIT_WAIT_MS, "the run worker to exit");
    expect(readFileSync(spool, "utf8")).not.toContain("terminating the run");
  });
});
