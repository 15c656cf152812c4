/**
 * The executors' figures (issue 5): per-step overhead of the multiprocess executor on a 100-step
 * job of no-op steps, beside a floor measured in the same run — spawning 100 bare `node` children,
 * as many at once as the executor runs steps (max_concurrent's default, the number of CPUs) —
 * and of the in-process executor. Real processes: `flightdeck serve examples/executors/location.ts`
 * with a local stand-in for the control plane's events endpoint; a run's time is its RUN_START →
 * RUN_SUCCESS as the run worker stamps them, so launch latency is not counted.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { RunWorkerEvent } from "../protocol";
import { STEP_SNAPSHOT_FILE } from "../runner/executors/step-snapshot-path";
import { ControlPlaneStub } from "../runner/testing/control-plane-stub";
import { startServe, waitFor } from "../runner/testing/serve-process";
import { REPO_ROOT } from "../scripts/lib/local-stack";
import { percentile } from "./stats";

const STEPS = 100;

export type ExecutorBench = {
  steps: number;
  concurrency: number;
  multiprocessPerStepMs: number;
  floorPerStepMs: number;
  inProcessPerStepMs: number;
};

export async function measureExecutors(repeats = 5): Promise<ExecutorBench> {
  const controlPlane = new ControlPlaneStub();
  await controlPlane.start();
  const serve = await startServe({ file: path.join(REPO_ROOT, "examples/executors/location.ts") });
  try {
    // The step processes' startup snapshot is built in the background after the bundle: measure with it.
    const blob = path.join(serve.dataDir, "bundle", STEP_SNAPSHOT_FILE);
    await waitFor(() => existsSync(blob) || undefined, 60_000, "the step snapshot");
    const runOnce = async (job: string) => {
      const runId = randomUUID();
      const request = {
        run_id: runId,
        attempt: 1,
        location: "executors",
        job,
        run_config: {},
        tags: {},
        ...controlPlane.endpointFor(runId),
      };
      const res = await serve.request("POST", "/runs", request);
      if (res.status !== 202) throw new Error(`launch of ${job} answered ${res.status}`);
      const events = await waitFor(
        () => {
          const all = controlPlane.events(runId);
          return all.some((e) => e.type === "RUN_SUCCESS" || e.type === "RUN_FAILURE") ? all : undefined;
        },
        120_000,
        `${job} to finish`,
      );
      return runSpan(events, job) / STEPS;
    };
    const concurrency = availableParallelism();
    const multi: number[] = [];
    const floor: number[] = [];
    const inProcess: number[] = [];
    await runOnce("noop_100"); // warm-up: bundle in the page cache, JIT
    for (let i = 0; i < repeats; i++) {
      multi.push(await runOnce("noop_100"));
      floor.push((await spawnBareNodes(STEPS, concurrency)) / STEPS);
      inProcess.push(await runOnce("noop_100_in_process"));
    }
    return {
      steps: STEPS,
      concurrency,
      multiprocessPerStepMs: percentile(multi, 50),
      floorPerStepMs: percentile(floor, 50),
      inProcessPerStepMs: percentile(inProcess, 50),
    };
  } finally {
    await serve.stop();
    await controlPlane.stop();
  }
}

export function executorRows(r: ExecutorBench): string[][] {
  return [
    [
      `multiprocess executor, ${r.steps} no-op steps (${r.concurrency} at once)`,
      `${r.multiprocessPerStepMs.toFixed(2)} ms/step`,
    ],
    ["  floor: spawn bare `node` children, same concurrency", `${r.floorPerStepMs.toFixed(2)} ms/step`],
    ["  ratio / floor", `${(r.multiprocessPerStepMs / r.floorPerStepMs).toFixed(2)}× (target ≤ 1.5×)`],
    [`in-process executor, ${r.steps} no-op steps`, `${r.inProcessPerStepMs.toFixed(3)} ms/step`],
  ];
}

function runSpan(events: RunWorkerEvent[], job: string): number {
  const start = events.find((e) => e.type === "RUN_START");
  const end = events.find((e) => e.type === "RUN_SUCCESS");
  if (!start || !end) {
    const failures = events.filter((e) => e.type === "STEP_FAILURE").map((e) => e.message);
    throw new Error(`${job} did not succeed: ${events.at(-1)?.message ?? "no events"} ${failures.join("; ")}`);
  }
  return end.ts - start.ts;
}

/** Wall time to run `n` bare `node -e ""` children, `concurrency` at a time. */
async function spawnBareNodes(n: number, concurrency: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
        child.once("error", reject);
        child.once("exit", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return performance.now() - start;
}

// `node --import tsx bench/executors.ts` prints the figures on their own.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const result = await measureExecutors();
  console.log(
    executorRows(result)
      .map(([k, v]) => `${(k ?? "").padEnd(58)} ${v}`)
      .join("\n"),
  );
  console.log(JSON.stringify(result));
}
