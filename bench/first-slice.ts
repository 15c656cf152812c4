/**
 * The first slice's figures: submit → SUCCESS of a one-op job beside a process-and-HTTP floor,
 * and event ingestion beside a raw D1 batch-insert floor.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { generateSecret } from "../protocol";
import type { FlightdeckClient } from "../scripts/lib/api-client";
import type { ControlPlane } from "../scripts/lib/local-stack";
import { REPO_ROOT } from "../scripts/lib/local-stack";
import { runToCompletion } from "../scripts/lib/processes";
import { startFloorWorker, startHttpFloorServer } from "./floor-worker";
import { SINK_JOB, startLaunchSink } from "./launch-sink";
import { ms, percentile, timeIt } from "./stats";

export type LatencyResult = { n: number; p50: number; p95: number };

function summarize(samples: number[]): LatencyResult {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** Where a submit → SUCCESS goes, phase by phase; each phase summarized over the same runs. */
export interface SubmitPhases {
  /** `POST /api/runs` as the client sees it: the run is created (created_at) somewhere inside it. */
  readonly submitRequest: LatencyResult;
  /** created_at → started_at (RUN_START's time): the launch, the run worker taking it, its first event. */
  readonly createdToStarted: LatencyResult;
  /** started_at → ended_at (RUN_SUCCESS's time): the op, with the executor and compute-log upload around it. */
  readonly op: LatencyResult;
  /** ended_at → the client's GET answering SUCCESS: the final events' delivery and storage, and the polling. */
  readonly endedToSeen: LatencyResult;
}

export type SubmitToSuccessResult = LatencyResult & { readonly phases: SubmitPhases };

/**
 * Submit → SUCCESS as a client sees it, for `n` sequential runs of `location`'s noop job: from
 * sending `POST /api/runs` until a `GET /api/runs/:id` polled every 5 ms answers SUCCESS, with
 * the run record's timestamps splitting it into phases (one machine, so the control plane's and
 * the run worker's clocks agree). The first 3 runs warm caches and are dropped. `location`: the
 * code location serving the demo's module, a pushed server ("demo") or agents.
 */
export async function measureSubmitToSuccess(
  client: FlightdeckClient,
  n: number,
  gapMs: number,
  location = "demo",
): Promise<SubmitToSuccessResult> {
  const samples: number[] = [];
  const phases = {
    submitRequest: [] as number[],
    createdToStarted: [] as number[],
    op: [] as number[],
    endedToSeen: [] as number[],
  };
  for (let i = 0; i < n + 3; i++) {
    const start = performance.now();
    const run = await client.submitRun({ location, job: "noop" });
    const submitted = performance.now();
    const done = await client.waitForRun(run.id, { intervalMs: 5, timeoutMs: 30_000 });
    const seenAt = Date.now();
    const elapsed = performance.now() - start;
    if (done.status !== "SUCCESS") throw new Error(`bench run ${run.id} ended ${done.status}`);
    if (done.started_at === null || done.ended_at === null)
      throw new Error(`bench run ${run.id} has no start or end time`);
    if (i >= 3) {
      samples.push(elapsed);
      phases.submitRequest.push(submitted - start);
      phases.createdToStarted.push(done.started_at - done.created_at);
      phases.op.push(done.ended_at - done.started_at);
      phases.endedToSeen.push(seenAt - done.ended_at);
    }
    // With a gap the code location's standby pool has a warm run worker; without, launches come
    // as fast as runs end, and the pool must grow to keep one warm (runner/server/standby-pool-size.ts).
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  return {
    ...summarize(samples),
    phases: {
      submitRequest: summarize(phases.submitRequest),
      createdToStarted: summarize(phases.createdToStarted),
      op: summarize(phases.op),
      endedToSeen: summarize(phases.endedToSeen),
    },
  };
}

/** Rows for the phases of a submit → SUCCESS, to print under its own row. */
export function submitPhaseRows(result: SubmitToSuccessResult): [string, string][] {
  const { phases } = result;
  return [
    ["    submit request (POST /api/runs)", formatLatency(phases.submitRequest)],
    ["    created → started (launch, run worker, RUN_START)", formatLatency(phases.createdToStarted)],
    ["    started → ended (the op)", formatLatency(phases.op)],
    ["    ended → SUCCESS seen by the client", formatLatency(phases.endedToSeen)],
  ];
}

/** The floor: what any design must pay at least — start a bare `node` and make three local HTTP round trips. */
export async function measureProcessAndHttpFloor(n: number): Promise<LatencyResult> {
  const { url, close } = await startHttpFloorServer();
  const samples: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t = await timeIt(async () => {
      for (let k = 0; k < 3; k++) await (await fetch(url, { method: "POST", body: "{}" })).text();
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
        child.once("exit", () => resolve());
        child.once("error", reject);
      });
    });
    if (i >= 3) samples.push(t);
  }
  close();
  return summarize(samples);
}

function eventBatch(startSeq: number, size: number) {
  return {
    events: Array.from({ length: size }, (_, i) => ({
      seq: startSeq + i,
      type: "LOG" as const,
      ts: Date.now(),
      step_key: "op",
      level: "INFO" as const,
      message: `line ${startSeq + i} of a benchmark log`,
    })),
  };
}

export type ThroughputResult = { events: number; seconds: number; perSecond: number };

/**
 * Events per second into `POST /api/runs/:id/events`, sequential batches of `batchSize` as a run
 * worker sends them, beside the same rows through a Worker that only does one raw D1 batch insert
 * per request. The two alternate batch by batch, so both see the same machine.
 */
export async function measureIngestion(
  cp: ControlPlane,
  floorDir: string,
  batches: number,
  batchSize: number,
): Promise<{ ingestion: ThroughputResult; d1Floor: ThroughputResult }> {
  const sink = await startLaunchSink();
  const floor = await startFloorWorker("bench/floors/wrangler.toml", floorDir);
  try {
    await cp.client.putCodeLocation({ name: "bench-sink", url: sink.url, secret: generateSecret() });
    const run = await cp.client.submitRun({ location: "bench-sink", job: SINK_JOB });
    const launch = sink.launches.find((l) => l.run_id === run.id);
    if (!launch) throw new Error("the sink never received the launch");
    await (await fetch(`${floor.url}/setup`)).text();
    const postEvents = async (seq: number) => {
      const res = await fetch(launch.events_url, {
        method: "POST",
        headers: { authorization: `Bearer ${launch.run_token}`, "content-type": "application/json" },
        body: JSON.stringify(eventBatch(seq, batchSize)),
      });
      if (!res.ok) throw new Error(`ingestion failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const postRows = async (seq: number) => {
      const rows = eventBatch(seq, batchSize).events.map((e) => [
        "floor-run",
        1,
        e.seq,
        e.type,
        e.ts,
        e.step_key,
        e.level,
        e.message,
        null,
      ]);
      const res = await fetch(`${floor.url}/`, { method: "POST", body: JSON.stringify(rows) });
      if (!res.ok) throw new Error(`floor insert failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    await postEvents(1); // warm-ups
    await postRows(1);
    let ours = 0;
    let bare = 0;
    for (let b = 1; b <= batches; b++) {
      ours += await timeIt(() => postEvents(1 + b * batchSize));
      bare += await timeIt(() => postRows(1 + b * batchSize));
    }
    const result = (ms: number) => ({
      events: batches * batchSize,
      seconds: ms / 1000,
      perSecond: (batches * batchSize) / (ms / 1000),
    });
    return { ingestion: result(ours), d1Floor: result(bare) };
  } finally {
    sink.close();
    await floor.stop();
  }
}

/** `wrangler deploy --dry-run`: the Worker bundle's size as Cloudflare would receive it. */
export async function measureWorkerBundle(outDir: string): Promise<string> {
  const out = await runToCompletion(
    path.join(REPO_ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--outdir", outDir],
    { cwd: REPO_ROOT, env: { WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  return out.match(/Total Upload: ([^\n]+)/)?.[1]?.trim() ?? "unknown (no 'Total Upload' line)";
}

export function formatLatency(r: LatencyResult): string {
  return `p50 ${ms(r.p50)}, p95 ${ms(r.p95)} (n=${r.n})`;
}
