/**
 * The standby pool with real processes of a real bundle, as an agent keeps them (a lifeline on
 * stdin), and its clock in the test's hands: launches grow the pool, time passing shrinks it.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childProcesses } from "../testing/process-table";
import { DEMO_LOCATION, waitFor } from "../testing/serve-process";
import { bundleLocation } from "./bundle";
import { STANDBY_FLAG, StandbyWorkers } from "./standby";

let dataDir = "";
let bundlePath = "";
let stepSnapshot: Promise<void> = Promise.resolve();
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "flightdeck-standby-"));
  const bundle = await bundleLocation(DEMO_LOCATION, dataDir);
  if (!bundle.ok) throw new Error(bundle.error);
  bundlePath = bundle.path;
  stepSnapshot = bundle.stepSnapshot;
});
// Every spare, taken or idle, has exited, and the bundle's step snapshot (built in the background)
// is done, before the directory goes: either would write into it again after an early removal.
afterAll(async () => {
  await stepSnapshot;
  await waitFor(
    () => childProcesses(process.pid).every((p) => !p.args.includes(STANDBY_FLAG)) || undefined,
    30_000,
    "every spare to exit",
  );
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the standby pool of an agent", () => {
  it("grows with launches that come together and, once they leave the window, ends the extra spares' stdin so they exit", async () => {
    let now = 1_000_000;
    const pool = new StandbyWorkers(
      { bundlePath, env: process.env, lifeline: true },
      dataDir,
      { min: 1, max: 3, windowMs: 10_000 },
      () => now,
    );
    try {
      pool.fill();
      // Three launches in the same instant: whatever the boot time, the pool aims for three. A
      // launch that finds no spare gets null and would start its own process.
      const taken = [1, 2, 3].map((i) => {
        const runDir = join(dataDir, "runs", `r${i}`);
        mkdirSync(runDir, { recursive: true });
        // No launch file there: a taken spare fails its "run" or dies with its lifeline, ended
        // below; the idle spares are what this test is about.
        return pool.take(join(runDir, "launch.json"), runDir);
      });
      expect(taken[0]).not.toBeNull();
      const takenPids = new Set(taken.map((t) => t?.child.pid));
      const idleSpares = () =>
        childProcesses(process.pid)
          .filter((p) => p.args.includes(STANDBY_FLAG) && !takenPids.has(p.pid))
          .map((p) => p.pid);
      // The replacements of the two taken spares are held back while their run workers live: only
      // the spare that the target's growth called for is idle.
      expect(taken.filter((t) => t !== null)).toHaveLength(2);
      expect(idleSpares()).toHaveLength(1);
      for (const t of taken) t?.child.stdin?.end();
      await waitFor(() => idleSpares().length === 3 || undefined, 30_000, "the pool to reach three idle spares");
      const pids = idleSpares();

      // The window passes with no launch: the floor's one spare stays, the newest two are retired.
      now += 10_001;
      pool.fill();
      await waitFor(() => idleSpares().length === 1 || undefined, 30_000, "the extra spares to exit");
      expect(pids).toContain(idleSpares()[0]);
    } finally {
      pool.close();
    }
  });
});
