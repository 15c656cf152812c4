/**
 * The daemon's figure (issue 6): the time from a run worker's death (SIGKILL, mid-run) to its
 * run's FAILURE as a client of the API sees it. Dagster's run monitoring takes 2–5 minutes; the
 * target is ≤ 15 s. The code location server reports the death the moment the process exits
 * (runner/server/crash-report.ts), so no daemon tick is involved.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { runAttemptDir } from "../runner/run-files";
import { WORKER_FILE } from "../runner/server/worker-record";
import type { FlightdeckClient } from "../scripts/lib/api-client";
import { formatLatency, type LatencyResult } from "./first-slice";
import { percentile } from "./stats";

function runWorkerPid(dataDir: string, runId: string): number | null {
  const file = path.join(runAttemptDir(dataDir, runId, 1), WORKER_FILE);
  if (!existsSync(file)) return null;
  const pid: unknown = JSON.parse(readFileSync(file, "utf8")).pid;
  return typeof pid === "number" ? pid : null;
}

/** `n` runs of the demo's sleepy job, each run worker killed with SIGKILL once STARTED. */
export async function measureDeathToFailure(
  client: FlightdeckClient,
  locationDataDir: string,
  n: number,
): Promise<LatencyResult> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const run = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 30 } } } },
      tags: { "flightdeck/max_retries": "0" },
    });
    await client.waitForRun(run.id, { statuses: ["STARTED"], intervalMs: 10, timeoutMs: 30_000 });
    const pid = runWorkerPid(locationDataDir, run.id);
    if (pid === null) throw new Error(`no run worker pid for run ${run.id}`);
    const killedAt = performance.now();
    process.kill(pid, "SIGKILL");
    const done = await client.waitForRun(run.id, { intervalMs: 10, timeoutMs: 60_000 });
    if (done.status !== "FAILURE") throw new Error(`killed run ${run.id} ended ${done.status}`);
    samples.push(performance.now() - killedAt);
  }
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export function daemonRows(deathToFailure: LatencyResult): string[][] {
  return [
    ["run worker SIGKILL → run FAILURE", formatLatency(deathToFailure)],
    ["  Dagster's run monitoring", "2–5 min (target ≤ 15 s)"],
  ];
}
