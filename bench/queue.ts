/**
 * The run queue's figures (issue 4), each beside a floor measured in the same run:
 * - submit → launch request received by a code location server, p50/p99, through the queued
 *   coordinator (D1 + the RunCoordinator Durable Object + the HTTP run launcher), beside a bare
 *   Worker → DO RPC with one SQLite write plus a bare local HTTP POST;
 * - admissions per second through the coordinator's own admission pass and storage with 10,000
 *   runs queued and 20 tag limits, beside the bare SQLite work of one admission;
 * - the cost of one admission with 10 vs 100,000 runs queued.
 */
import { generateSecret } from "../protocol";
import type { ControlPlane } from "../scripts/lib/local-stack";
import { startFloorWorker, startHttpFloorServer } from "./floor-worker";
import { SINK_JOB, startLaunchSink } from "./launch-sink";
import { percentile, timeIt } from "./stats";

export type Percentiles = { n: number; p50: number; p99: number };

function summarize(samples: number[]): Percentiles {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** The harness Worker (bench/floors/queue-bench.worker.ts) under `wrangler dev`, and a GET to it. */
export type QueueHarness = { get: (p: string) => Promise<Record<string, number>>; stop: () => Promise<void> };

export async function startQueueHarness(persistDir: string): Promise<QueueHarness> {
  const { url, stop } = await startFloorWorker("bench/floors/queue.wrangler.toml", persistDir);
  const get = async (p: string) => {
    const res = await fetch(`${url}${p}`);
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, number>;
  };
  return { get, stop };
}

export type SubmitFigures = {
  submitToLaunch: Percentiles;
  /** A bare Worker → DO RPC with one SQLite write. */
  rpcFloor: Percentiles;
  /** The rpc floor plus one D1 write before it: what a submit pays at least when D1 holds the run. */
  submitFloor: Percentiles;
  /** A bare local HTTP POST round trip, Node to Node. */
  httpFloor: Percentiles;
};

/**
 * Submit → launch request received, beside its floors, in interleaved rounds so that all see the
 * same machine: each round one submit through the control plane (to a code location server that
 * records launches, launch-sink.ts), one bare RPC with a SQLite write, one D1 write plus that RPC,
 * and one bare HTTP POST, each 20 ms after the one before (the floors once the control plane is
 * done with the run, which the sink reports finished at once); 3 warm-up rounds dropped.
 */
async function measureSubmitToLaunch(cp: ControlPlane, harness: QueueHarness, n: number): Promise<SubmitFigures> {
  const sink = await startLaunchSink({ reportFinished: true });
  const floorServer = await startHttpFloorServer();
  try {
    await cp.client.putCodeLocation({ name: "queue-sink", url: sink.url, secret: generateSecret() });
    await harness.get("/submit-floor-setup");
    const samples = { submit: [] as number[], rpc: [] as number[], submitFloor: [] as number[], http: [] as number[] };
    for (let i = 0; i < n + 3; i++) {
      const start = performance.now();
      const run = await cp.client.submitRun({ location: "queue-sink", job: SINK_JOB });
      const deadline = Date.now() + 10_000;
      while (!sink.arrivals.has(run.id)) {
        if (Date.now() > deadline) throw new Error(`run ${run.id} was never launched`);
        await new Promise((r) => setTimeout(r, 1));
      }
      const submit = (sink.arrivals.get(run.id) ?? start) - start;
      // The run's end is reported right after its launch: let the control plane finish with it first.
      await new Promise((r) => setTimeout(r, 20));
      const rpc = await timeIt(async () => void (await harness.get("/rpc-floor")));
      const submitFloor = await timeIt(async () => void (await harness.get("/submit-floor")));
      const post = await timeIt(
        async () => void (await (await fetch(floorServer.url, { method: "POST", body: "{}" })).text()),
      );
      if (i >= 3) {
        samples.submit.push(submit);
        samples.rpc.push(rpc);
        samples.submitFloor.push(submitFloor);
        samples.http.push(post);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return {
      submitToLaunch: summarize(samples.submit),
      rpcFloor: summarize(samples.rpc),
      submitFloor: summarize(samples.submitFloor),
      httpFloor: summarize(samples.http),
    };
  } finally {
    sink.close();
    floorServer.close();
  }
}

export type AdmissionFigures = {
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

/** Admissions through the coordinator's own pass and storage, and their floors (the harness's step endpoints). */
async function measureAdmissions(harness: QueueHarness): Promise<AdmissionFigures> {
  const perStep = await measureSteps(harness.get, 2000);
  return {
    rowsReadAt10: (await harness.get("/rows-read?do=admit-10&n=200")).rows ?? Number.NaN,
    rowsReadAt100k: (await harness.get("/rows-read?do=admit-100000&n=200")).rows ?? Number.NaN,
    admissionsPerSecond: 1000 / perStep("admit", 10_000),
    floorPerSecond: 1000 / perStep("floor", 10_000),
    admissionMsAt10: perStep("admit", 10),
    admissionMsAt100k: perStep("admit", 100_000),
    floorMsAt10: perStep("floor", 10),
    floorMsAt100k: perStep("floor", 100_000),
  };
}

export type QueueBenchResults = SubmitFigures & AdmissionFigures;

export async function runQueueBench(cp: ControlPlane, dir: string, samples = 100): Promise<QueueBenchResults> {
  console.log(`run queue: submit → launch received, ${samples} submits; admissions with 10 / 10,000 / 100,000 queued…`);
  const harness = await startQueueHarness(dir);
  try {
    return { ...(await measureSubmitToLaunch(cp, harness, samples)), ...(await measureAdmissions(harness)) };
  } finally {
    await harness.stop();
  }
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
