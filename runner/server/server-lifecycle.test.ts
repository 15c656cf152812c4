import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { RunWorkerEvent } from "../../protocol";
import { LAUNCH_FILE, runAttemptDir } from "../run-files";
import { ControlPlaneStub } from "../testing/control-plane-stub";
import { childProcesses } from "../testing/process-table";
import { startServe, waitFor } from "../testing/serve-process";
import { STANDBY_FLAG } from "./standby";
import { WORKER_FILE } from "./worker-record";

const controlPlane = new ControlPlaneStub();
beforeAll(() => controlPlane.start());
afterAll(() => controlPlane.stop());

const launchRequest = (job: string, runId = randomUUID()) => ({
  run_id: runId,
  attempt: 1,
  location: "t",
  job,
  run_config: {},
  tags: {},
  ...controlPlane.endpointFor(runId),
});

const finalType = (runId: string) =>
  waitFor(
    () => controlPlane.events(runId).find((e) => ["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"].includes(e.type))?.type,
    30_000,
  );

describe("a code location that fails to load", () => {
  it("still starts, and answers 503 with the whole error naming the job and node", async () => {
    const serve = await startServe({
      file: join(import.meta.dirname, "..", "testing", "fixtures", "invalid-location.ts"),
    });
    try {
      const response = await serve.request("GET", "/definitions");
      expect(response.status).toBe(503);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("location_load_error");
      expect(error.message).toMatch(/Invalid job "dup":\n {2}- job "dup", node "tick": the name is used twice/);
      expect(error.message).toMatch(/invalid-location\.ts:\d+/);
      expect((await serve.request("POST", "/runs", launchRequest("dup"))).status).toBe(503);
    } finally {
      await serve.stop();
    }
  });

  it("reports a file that does not even compile", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "flightdeck-broken-")), "broken.ts");
    writeFileSync(file, "export default {\n");
    const serve = await startServe({ file });
    onTestFinished(() => rmSync(join(file, ".."), { recursive: true, force: true }));
    try {
      const response = await serve.request("GET", "/definitions");
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        error: { code: "location_load_error", message: expect.stringMatching(/could not bundle/) },
      });
    } finally {
      await serve.stop();
    }
  });
});

describe("the server's life", () => {
  it("starts each run worker on launch when no standby worker is kept", async () => {
    const serve = await startServe({ args: ["--standby-workers", "0"] });
    try {
      const request = launchRequest("diamond");
      expect((await serve.request("POST", "/runs", request)).status).toBe(202);
      expect(await finalType(request.run_id)).toBe("RUN_SUCCESS");
    } finally {
      await serve.stop();
    }
  });

  it("serves a burst of launches from warm spares, and retires the spares above its floor once launches stop", async () => {
    const serve = await startServe({
      args: ["--standby-workers", "1", "--max-standby-workers", "3"],
      // Launches count for 5 s, so the retirement comes soon after the second burst.
      env: { FLIGHTDECK_STANDBY_WINDOW_SECONDS: "5" },
    });
    try {
      const launched = new Set<number>();
      const idleSpares = () =>
        childProcesses(serve.child.pid ?? 0)
          .filter((p) => p.args.includes(STANDBY_FLAG) && !launched.has(p.pid))
          .map((p) => p.pid);
      // Three launches at once: sent together, they land within one boot time even on a loaded machine.
      const burst = async () => {
        const requests = [launchRequest("noop"), launchRequest("noop"), launchRequest("noop")];
        const pids = await Promise.all(
          requests.map(async (request) => {
            const reply = await serve.request("POST", "/runs", request);
            expect(reply.status).toBe(202);
            const pid = Number(((await reply.json()) as { handle: string }).handle.split(":")[1]);
            launched.add(pid);
            return pid;
          }),
        );
        return { requests, pids };
      };

      await waitFor(() => idleSpares().length === 1 || undefined, 30_000, "the floor's one spare");
      // One spare cannot keep up with three launches within a boot time, so the pool grows to three.
      const first = await burst();
      const warm = await waitFor(
        () => (idleSpares().length === 3 ? idleSpares() : undefined),
        30_000,
        "three idle spares",
      ).catch((e) => {
        console.log(serve.output(), idleSpares(), childProcesses(serve.child.pid ?? 0));
        throw e;
      });
      // The next burst takes exactly those three, oldest first; none waits for a new process.
      const second = await burst();
      expect(new Set(second.pids)).toEqual(new Set(warm));
      for (const request of second.requests) {
        const dir = runAttemptDir(serve.dataDir, request.run_id, 1);
        const record = JSON.parse(readFileSync(join(dir, WORKER_FILE), "utf8")) as { standby: string };
        expect(["ready", "booting"]).toContain(record.standby);
      }
      for (const request of [...first.requests, ...second.requests]) {
        expect(await finalType(request.run_id)).toBe("RUN_SUCCESS");
      }
      // Once the launches have left the window, the spares above the floor get their stdin closed and exit.
      await waitFor(() => idleSpares().length === 1 || undefined, 30_000, "the pool back at its floor");
    } finally {
      await serve.stop();
    }
  });

  it("delivers events spooled by an earlier server's run worker as soon as it starts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "flightdeck-leftover-"));
    const request = launchRequest("noop");
    const dir = runAttemptDir(dataDir, request.run_id, 1);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LAUNCH_FILE), JSON.stringify(request));
    const events: RunWorkerEvent[] = [
      { seq: 1, type: "RUN_START", ts: 1 },
      { seq: 2, type: "RUN_SUCCESS", ts: 2 },
    ];
    writeFileSync(join(dir, "events.jsonl"), events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const serve = await startServe({ args: ["--data-dir", dataDir] });
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    try {
      expect(await finalType(request.run_id)).toBe("RUN_SUCCESS");
      expect(controlPlane.events(request.run_id)).toEqual(events);
    } finally {
      await serve.stop();
    }
  });

  it("terminates its run workers when it is stopped, and they report RUN_CANCELED", async () => {
    const serve = await startServe();
    const request = launchRequest("sleepy");
    const reply = (await (await serve.request("POST", "/runs", request)).json()) as { handle: string };
    await waitFor(() => controlPlane.events(request.run_id).some((e) => e.type === "LOG"), 30_000, "the nap to start");
    const exited = new Promise<number | null>((resolve) => serve.child.once("exit", resolve));
    serve.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await serve.stop();
    expect(await finalType(request.run_id)).toBe("RUN_CANCELED");
    const pid = Number(reply.handle.split(":")[1]);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });
});
