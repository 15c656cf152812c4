/**
 * The run queue's figures (issue 4), each beside a floor measured in the same run:
 * - submit → launch request received by a code location server, p50/p99, through the queued
 *   coordinator (D1 + the RunCoordinator Durable Object + the HTTP run launcher), beside a bare
 *   Worker → DO RPC with one SQLite write plus a bare local HTTP POST;
 * - admissions per second through the coordinator's own admission pass and storage with 10,000
 *   runs queued and 20 tag limits, beside the bare SQLite work of one admission;
 * - the cost of one admission with 10 vs 100,000 runs queued.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { generateSecret } from "../protocol";
import type { ControlPlane } from "../scripts/lib/local-stack";
import { REPO_ROOT } from "../scripts/lib/local-stack";
import { spawnGroup, waitForOutput } from "../scripts/lib/processes";
import { SINK_JOB, startLaunchSink } from "./launch-sink";
import { percentile, timeIt } from "./stats";

export type Percentiles = { n: number; p50: number; p99: number };

function summarize(samples: number[]): Percentiles {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Submit → launch request received, `n` sequential submits 20 ms apart (3 warm-ups dropped). */
export async function measureSubmitToLaunch(cp: ControlPlane, n: number): Promise<Percentiles> {
  const sink = await startLaunchSink({ reportFinished: true });
  try {
    await cp.client.putCodeLocation({ name: "queue-sink", url: sink.url, secret: generateSecret() });
    const samples: number[] = [];
    for (let i = 0; i < n + 3; i++) {
      const start = performance.now();
      const run = await cp.client.submitRun({ location: "queue-sink", job: SINK_JOB });
      const deadline = Date.now() + 10_000;
      while (!sink.arrivals.has(run.id)) {
        if (Date.now() > deadline) throw new Error(`run ${run.id} was never launched`);
        await new Promise((r) => setTimeout(r, 1));
      }
      if (i >= 3) samples.push((sink.arrivals.get(run.id) ?? start) - start);
      await new Promise((r) => setTimeout(r, 20));
    }
    return summarize(samples);
  } finally {
    sink.close();
  }
}

/** A bare local HTTP POST round trip, Node to Node. */
export async function measureHttpPostFloor(n: number): Promise<Percentiles> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const samples: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t = await timeIt(async () => {
      await (await fetch(url, { method: "POST", body: "{}" })).text();
    });
    if (i >= 3) samples.push(t);
  }
  server.close();
  return summarize(samples);
}

export type AdmissionFigures = {
  rpcFloor: Percentiles;
  /** The rpc floor plus one D1 write before it: what a submit pays at least when D1 holds the run. */
  submitFloor: Percentiles;
  /** SQLite rows the coordinator reads per admission step: the queue-length dependence, free of timing noise. */
  rowsReadAt10: number;
  rowsReadAt100k: number;
  admissionsPerSecond: number;
  floorPerSecond: number;
  admissionMsAt10: number;
  admissionMsAt100k: number;
  /** The bare SQLite work of one admission on a queue of 10 and of 100,000: what any design pays more of at 100,000. */
  floorMsAt10: number;
  floorMsAt100k: number;
};

const QUEUE_SIZES = [10, 10_000, 100_000] as const;
type QueueSize = (typeof QUEUE_SIZES)[number];

/**
 * ms per step of an admission and of its floor at each queue size, each in a Durable Object of its
 * own, `n` steps per request. Interleaved rounds, so that every figure sees the same machine: the
 * median of 21 timed requests of each minus the median of 21 empty ones, after one untimed
 * request of each. Medians, not the best difference: a best-of over differences is biased towards
 * zero when the request's own jitter rivals the work measured.
 */
async function measureSteps(
  get: (p: string) => Promise<unknown>,
  n: number,
): Promise<(kind: "admit" | "floor", size: QueueSize) => number> {
  const targets = QUEUE_SIZES.flatMap((size) => [
    { kind: "admit" as const, size, path: `/admit?do=admit-${size}` },
    { kind: "floor" as const, size, path: `/sql-floor?do=floor-${size}` },
  ]);
  for (const size of QUEUE_SIZES) {
    await get(`/reset?do=admit-${size}&n=${size}`);
    await get(`/reset-floor?do=floor-${size}&n=${size}`);
  }
  // Warm-up: the first figure measured would otherwise also pay for the isolate's JIT warming up.
  for (const target of targets) await get(`${target.path}&n=${n}`);
  const empty: number[] = [];
  const samples = targets.map(() => [] as number[]);
  for (let round = 0; round < 21; round++) {
    empty.push(await timeIt(async () => void (await get("/admit?do=admit-10&n=0"))));
    for (const [i, target] of targets.entries()) {
      samples[i]?.push(await timeIt(async () => void (await get(`${target.path}&n=${n}`))));
    }
  }
  const base = percentile(empty, 50);
  return (kind, size) => {
    const i = targets.findIndex((target) => target.kind === kind && target.size === size);
    return Math.max(0, percentile(samples[i] ?? [], 50) - base) / n;
  };
}

/** Starts the harness Worker (bench/floors/queue-bench.worker.ts) and measures admissions and the DO floors. */
export async function measureAdmissions(persistDir: string, rpcSamples: number): Promise<AdmissionFigures> {
  const config = path.join(REPO_ROOT, "bench/floors/queue.wrangler.toml");
  const env = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };
  const proc = spawnGroup(
    path.join(REPO_ROOT, "node_modules/.bin/wrangler"),
    ["dev", "-c", config, "--ip", "127.0.0.1", "--port", "0", "--inspector-port", "0", "--persist-to", persistDir],
    { cwd: REPO_ROOT, env },
  );
  try {
    const [, url] = await waitForOutput(proc, /Ready on (http:\/\/[\d.]+:\d+)/);
    const get = async (p: string) => {
      const res = await fetch(`${url}${p}`);
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, number>;
    };
    const rpc: number[] = [];
    for (let i = 0; i < rpcSamples + 3; i++) {
      const t = await timeIt(async () => void (await get("/rpc-floor")));
      if (i >= 3) rpc.push(t);
    }
    await get("/submit-floor-setup");
    const submitFloor: number[] = [];
    for (let i = 0; i < rpcSamples + 3; i++) {
      const t = await timeIt(async () => void (await get("/submit-floor")));
      if (i >= 3) submitFloor.push(t);
    }
    const perStep = await measureSteps(get, 2000);
    const rowsAt10 = (await get("/rows-read?do=admit-10&n=200")).rows ?? Number.NaN;
    const rowsAt100k = (await get("/rows-read?do=admit-100000&n=200")).rows ?? Number.NaN;
    return {
      rpcFloor: summarize(rpc),
      submitFloor: summarize(submitFloor),
      rowsReadAt10: rowsAt10,
      rowsReadAt100k: rowsAt100k,
      admissionsPerSecond: 1000 / perStep("admit", 10_000),
      floorPerSecond: 1000 / perStep("floor", 10_000),
      admissionMsAt10: perStep("admit", 10),
      admissionMsAt100k: perStep("admit", 100_000),
      floorMsAt10: perStep("floor", 10),
      floorMsAt100k: perStep("floor", 100_000),
    };
  } finally {
    await proc.stop();
  }
}

export type QueueBenchResults = { submitToLaunch: Percentiles; httpFloor: Percentiles } & AdmissionFigures;

export async function runQueueBench(cp: ControlPlane, dir: string, samples = 100): Promise<QueueBenchResults> {
  console.log(`run queue: submit → launch received, ${samples} submits; admissions with 10 / 10,000 / 100,000 queued…`);
  const submitToLaunch = await measureSubmitToLaunch(cp, samples);
  const httpFloor = await measureHttpPostFloor(samples);
  const admissions = await measureAdmissions(dir, samples);
  return { submitToLaunch, httpFloor, ...admissions };
}

const f = (n: number) => `${n.toFixed(1)} ms`;

export function queueRows(r: QueueBenchResults): [string, string][] {
  const floorP50 = r.rpcFloor.p50 + r.httpFloor.p50;
  return [
    [
      "submit → launch received (queued coordinator)",
      `p50 ${f(r.submitToLaunch.p50)}, p99 ${f(r.submitToLaunch.p99)} (n=${r.submitToLaunch.n})`,
    ],
    ["  floor: Worker → DO RPC + 1 SQLite write", `p50 ${f(r.rpcFloor.p50)}, p99 ${f(r.rpcFloor.p99)}`],
    ["  floor: bare local HTTP POST", `p50 ${f(r.httpFloor.p50)}, p99 ${f(r.httpFloor.p99)}`],
    [
      "  floor with the run stored in D1 first (+ HTTP POST)",
      `p50 ${f(r.submitFloor.p50 + r.httpFloor.p50)}: ${(r.submitToLaunch.p50 / (r.submitFloor.p50 + r.httpFloor.p50)).toFixed(2)}× of it`,
    ],
    [
      "  ratio p50 / (sum of floors p50)",
      `${(r.submitToLaunch.p50 / floorP50).toFixed(2)}× (target ≤ 3×, p50 ≤ 15 ms)`,
    ],
    ["admissions/s, 10,000 queued, 20 tag limits", `${r.admissionsPerSecond.toFixed(0)}/s`],
    ["  floor: the bare SQLite work of one admission", `${r.floorPerSecond.toFixed(0)}/s`],
    ["  ratio", `${((100 * r.admissionsPerSecond) / r.floorPerSecond).toFixed(0)}% of floor (target ≥ 50%)`],
    [
      "one admission, 10 vs 100,000 queued",
      `${(1000 * r.admissionMsAt10).toFixed(1)} µs vs ${(1000 * r.admissionMsAt100k).toFixed(1)} µs`,
    ],
    ["  ratio", `${(r.admissionMsAt100k / r.admissionMsAt10).toFixed(2)}× (target ≤ 1.5×)`],
    [
      "  SQLite rows read per admission, 10 vs 100,000 queued",
      `${r.rowsReadAt10.toFixed(1)} vs ${r.rowsReadAt100k.toFixed(1)}`,
    ],
    [
      "  floor: bare SQLite work, 10 vs 100,000 queued",
      `${(1000 * r.floorMsAt10).toFixed(1)} µs vs ${(1000 * r.floorMsAt100k).toFixed(1)} µs (${(r.floorMsAt100k / r.floorMsAt10).toFixed(2)}×)`,
    ],
  ];
}
