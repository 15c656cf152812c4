/**
 * Agents' figures (`flightdeck agent`, README "Agents"), with real agent processes started from
 * source as the bench's code location server is (scripts/lib/agents.ts), all serving the demo's
 * module as code location "fleet" with one agent token made through the API. Each beside a floor
 * measured in the same run:
 *
 * - submit → launch received by an agent, p50/p95, beside the queue bench's floors (a bare
 *   Worker → DO RPC with one SQLite write, queue.ts's harness; the same with a D1 write first) and
 *   a bare local WebSocket message (server to client, both in the bench's process). "Received" is
 *   observed without touching the agent: the agent creates `<data dir>/runs/<run id>/` to write
 *   the launch request there (runner/server/run-worker-processes.ts) as soon as its socket handed
 *   it the launch (a JSON parse later), before it starts the run worker, and the bench sees that
 *   directory appear through inotify (`fs.watch`): an event, no polling. Not the file's mtime:
 *   Linux stamps files with a coarse clock (a scheduler tick, up to 10 ms), as coarse as what is
 *   measured. Not the agent's "started run" line: it comes after the agent forked a run worker (a
 *   new standby, or the run's own). Each round waits for the run's SUCCESS before the floors and
 *   the next submit, so the run worker does not compete with them.
 * - submit → SUCCESS through one agent, 250 ms apart and back to back (first-slice.ts's
 *   measurement), beside first-slice.ts's floor (spawn node + 3 HTTP round trips).
 * - an agent killed with SIGKILL while holding --max-runs sleepy runs → all of them handled
 *   (FAILURE with AGENT_LOST, or resumed as a new attempt when the instance resumes runs), p50/max
 *   over a few kills; target ≤ 10 s. A killed process's socket is closed by the kernel, so the
 *   coordinator hears of it at once; the 5 s ping timeout (protocol/agents.ts) is for sockets that
 *   go silent without closing, which a local kill cannot produce. Beside the floor of that: a
 *   bare local WebSocket server seeing its SIGKILLed peer's close.
 * - runs/s of a no-op job, the same runs submitted at once through 1 agent and through 3 (each
 *   --max-runs), from the first submit to the last run's `ended_at`, beside the same number of
 *   "spawn node + 3 HTTP round trips" run as many at a time as the agents have slots.
 */
import { spawn } from "node:child_process";
import { type FSWatcher, watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { WebSocket, WebSocketServer } from "ws";
import { isTerminalStatus, type Run } from "../protocol";
import { runsRoot } from "../runner/run-files";
import { type AgentProcess, createAgentToken, startAgent } from "../scripts/lib/agents";
import type { FlightdeckClient } from "../scripts/lib/api-client";
import { type ControlPlane, REPO_ROOT } from "../scripts/lib/local-stack";
import { formatLatency, type LatencyResult, measureProcessAndHttpFloor, measureSubmitToSuccess } from "./first-slice";
import { startHttpFloorServer } from "./floor-worker";
import { startQueueHarness } from "./queue";
import { ms, percentile, timeIt } from "./stats";

const LOCATION = "fleet";
const DEMO_FILE = path.join(REPO_ROOT, "examples/demo/location.ts");
const pause = (t: number) => new Promise((r) => setTimeout(r, t));

function latency(samples: number[]): LatencyResult {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export type AgentBenchOptions = {
  /** Submit → launch received samples. */
  launches: number;
  /** Submit → SUCCESS samples, each spacing. */
  runs: number;
  kills: number;
  /** Runs submitted at once for runs/s. */
  throughputRuns: number;
  /** Each agent's --max-runs. */
  maxRuns: number;
};

export type KillFigures = { n: number; runsPerKill: number; p50: number; max: number; failed: number; resumed: number };
export type Throughput = { runs: number; seconds: number; perSecond: number };

export type AgentBenchResults = {
  submitToLaunch: LatencyResult;
  rpcFloor: LatencyResult;
  submitFloor: LatencyResult;
  wsFloor: LatencyResult;
  latency: LatencyResult;
  backToBack: LatencyResult;
  processFloor: LatencyResult;
  killToHandled: KillFigures;
  killFloor: { n: number; p50: number; max: number };
  maxRuns: number;
  oneAgent: Throughput;
  threeAgents: Throughput;
  oneAgentFloor: Throughput;
  threeAgentsFloor: Throughput;
};

/** When each run's directory appeared in an agent's data dir, by (encoded) run id: inotify, no polling. */
class LaunchWatch {
  readonly #arrivals = new Map<string, number>();
  readonly #waiters = new Map<string, () => void>();
  readonly #watcher: FSWatcher;

  constructor(runsDir: string) {
    this.#watcher = watch(runsDir, (_event, name) => {
      const at = performance.now();
      if (name === null || this.#arrivals.has(name)) return;
      this.#arrivals.set(name, at);
      this.#waiters.get(name)?.();
    });
  }

  async arrival(runId: string, timeoutMs = 30_000): Promise<number> {
    const name = encodeURIComponent(runId);
    if (!this.#arrivals.has(name)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`run ${runId} never reached the agent`)), timeoutMs);
        this.#waiters.set(name, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters.delete(name);
    }
    return this.#arrivals.get(name) ?? Number.NaN;
  }

  close(): void {
    this.#watcher.close();
  }
}

/** A bare local WebSocket: one message from server to client, in this process. */
async function startWsFloor(): Promise<{ sample: () => Promise<number>; close: () => void }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const serverSide = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const peer = await serverSide;
  await new Promise<void>((resolve) =>
    client.readyState === WebSocket.OPEN ? resolve() : client.once("open", resolve),
  );
  return {
    sample: () =>
      timeIt(async () => {
        const received = new Promise<void>((resolve) => client.once("message", () => resolve()));
        peer.send('{"type":"launch"}');
        await received;
      }),
    close: () => {
      client.terminate();
      server.close();
    },
  };
}

async function measureSubmitToLaunch(
  client: FlightdeckClient,
  agent: AgentProcess,
  harnessDir: string,
  n: number,
): Promise<Pick<AgentBenchResults, "submitToLaunch" | "rpcFloor" | "submitFloor" | "wsFloor">> {
  const launches = new LaunchWatch(runsRoot(agent.dataDir));
  const harness = await startQueueHarness(harnessDir);
  const ws = await startWsFloor();
  try {
    await harness.get("/submit-floor-setup");
    const samples = { launch: [] as number[], rpc: [] as number[], submitFloor: [] as number[], ws: [] as number[] };
    for (let i = 0; i < n + 3; i++) {
      const start = performance.now();
      const run = await client.submitRun({ location: LOCATION, job: "noop" });
      const launch = (await launches.arrival(run.id)) - start;
      const done = await client.waitForRun(run.id, { intervalMs: 10, timeoutMs: 30_000 });
      if (done.status !== "SUCCESS") throw new Error(`bench run ${run.id} ended ${done.status}`);
      await pause(20);
      const rpc = await timeIt(async () => void (await harness.get("/rpc-floor")));
      const submitFloor = await timeIt(async () => void (await harness.get("/submit-floor")));
      const message = await ws.sample();
      if (i >= 3) {
        samples.launch.push(launch);
        samples.rpc.push(rpc);
        samples.submitFloor.push(submitFloor);
        samples.ws.push(message);
      }
      await pause(20);
    }
    return {
      submitToLaunch: latency(samples.launch),
      rpcFloor: latency(samples.rpc),
      submitFloor: latency(samples.submitFloor),
      wsFloor: latency(samples.ws),
    };
  } finally {
    launches.close();
    ws.close();
    await harness.stop();
  }
}

/** Polls the runs one after the other until each is terminal or resumed as a later attempt. */
async function waitHandled(client: FlightdeckClient, runs: readonly Run[], timeoutMs: number): Promise<Run[]> {
  const deadline = performance.now() + timeoutMs;
  const handled: Run[] = [];
  for (const run of runs) {
    for (;;) {
      const now = await client.getRun(run.id);
      if (isTerminalStatus(now.status) || now.attempt > run.attempt) {
        handled.push(now);
        break;
      }
      if (performance.now() > deadline) throw new Error(`run ${run.id} still ${now.status} after ${timeoutMs} ms`);
      await pause(10);
    }
  }
  return handled;
}

type AgentStarter = (name: string) => Promise<AgentProcess>;

/**
 * `kills` times: --max-runs sleepy runs started on the only connected agent, the agent SIGKILLed,
 * then the time until every one of them is handled; the agent is started again (`start("a1")`,
 * the same data dir) after each kill.
 */
async function measureKills(
  client: FlightdeckClient,
  first: AgentProcess,
  start: AgentStarter,
  kills: number,
  maxRuns: number,
): Promise<KillFigures> {
  const samples: number[] = [];
  let failed = 0;
  let resumed = 0;
  let agent = first;
  for (let k = 0; k < kills; k++) {
    const held: Run[] = [];
    for (let i = 0; i < maxRuns; i++) {
      const run = await client.submitRun({
        location: LOCATION,
        job: "sleepy",
        run_config: { ops: { nap: { config: { seconds: 120 } } } },
        tags: { "flightdeck/max_retries": "0" },
      });
      held.push(await client.waitForRun(run.id, { statuses: ["STARTED"], intervalMs: 10, timeoutMs: 60_000 }));
    }
    const killedAt = performance.now();
    process.kill(agent.process.child.pid ?? 0, "SIGKILL");
    const handled = await waitHandled(client, held, 60_000);
    samples.push(performance.now() - killedAt);
    for (const run of handled) {
      if (run.attempt > (held.find((h) => h.id === run.id)?.attempt ?? run.attempt)) resumed++;
      else if (run.status === "FAILURE") {
        const failure = (await client.listEvents(run.id)).find((e) => e.type === "RUN_FAILURE");
        if (failure?.data?.failure_reason !== "AGENT_LOST") {
          throw new Error(`run ${run.id} failed for ${String(failure?.data?.failure_reason)}, not AGENT_LOST`);
        }
        failed++;
      } else throw new Error(`run ${run.id} of the killed agent ended ${run.status}`);
    }
    // Resumed runs wait for an agent: cancel them, so the next agent starts idle.
    for (const run of handled) if (!isTerminalStatus(run.status)) await client.terminateRun(run.id);
    await agent.stop();
    agent = await start("a1");
  }
  return {
    n: samples.length,
    runsPerKill: maxRuns,
    p50: percentile(samples, 50),
    max: Math.max(...samples),
    failed,
    resumed,
  };
}

/** The floor of the kill: a bare local WebSocket server seeing the close of a peer process killed with SIGKILL. */
async function measureKillFloor(n: number): Promise<{ n: number; p50: number; max: number }> {
  const wsModule = createRequire(path.join(REPO_ROOT, "package.json")).resolve("ws");
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const connected = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
      const child = spawn(
        process.execPath,
        ["-e", `new (require(${JSON.stringify(wsModule)}))(${JSON.stringify(url)})`],
        {
          stdio: "ignore",
        },
      );
      const peer = await connected;
      const closed = new Promise<void>((resolve) => peer.once("close", () => resolve()));
      samples.push(
        await timeIt(async () => {
          child.kill("SIGKILL");
          await closed;
        }),
      );
    }
  } finally {
    server.close();
  }
  return { n: samples.length, p50: percentile(samples, 50), max: Math.max(...samples) };
}

/** `runs` no-op runs submitted at once; from the first submit to the last run's `ended_at`. */
async function measureThroughput(client: FlightdeckClient, runs: number): Promise<Throughput> {
  const start = Date.now();
  const submitted = await Promise.all(
    Array.from({ length: runs }, () => client.submitRun({ location: LOCATION, job: "noop" })),
  );
  let end = start;
  for (const run of submitted) {
    const done = await client.waitForRun(run.id, { intervalMs: 20, timeoutMs: 300_000 });
    if (done.status !== "SUCCESS") throw new Error(`bench run ${run.id} ended ${done.status}`);
    end = Math.max(end, done.ended_at ?? Date.now());
  }
  const seconds = (end - start) / 1000;
  return { runs, seconds, perSecond: runs / seconds };
}

/** The floor of runs/s: `runs` times "spawn node + 3 local HTTP round trips", `slots` at a time. */
async function measureThroughputFloor(runs: number, slots: number): Promise<Throughput> {
  const { url, close } = await startHttpFloorServer();
  let next = 0;
  const one = async () => {
    for (let k = 0; k < 3; k++) await (await fetch(url, { method: "POST", body: "{}" })).text();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      child.once("exit", () => resolve());
      child.once("error", reject);
    });
  };
  const elapsed = await timeIt(async () => {
    await Promise.all(
      Array.from({ length: slots }, async () => {
        while (next++ < runs) await one();
      }),
    );
  });
  close();
  return { runs, seconds: elapsed / 1000, perSecond: runs / (elapsed / 1000) };
}

export async function runAgentBench(
  cp: ControlPlane,
  dir: string,
  opts: AgentBenchOptions,
): Promise<AgentBenchResults> {
  const token = await createAgentToken(cp.client, "bench agents", LOCATION);
  const running = new Map<string, AgentProcess>();
  const start: AgentStarter = async (name) => {
    const dataDir = path.join(dir, name);
    // Watched for launches before the agent makes it.
    await mkdir(runsRoot(dataDir), { recursive: true });
    const agent = await startAgent({ file: DEMO_FILE, controlPlane: cp.url, token, dataDir, maxRuns: opts.maxRuns });
    running.set(name, agent);
    return agent;
  };
  try {
    const agent = await start("a1");
    console.log(`agents: submit → launch received over an agent's socket, ${opts.launches} submits…`);
    const launch = await measureSubmitToLaunch(cp.client, agent, path.join(dir, "harness"), opts.launches);
    console.log(`agents: submit → SUCCESS through one agent, ${opts.runs} runs 250 ms apart and back to back…`);
    const spaced = await measureSubmitToSuccess(cp.client, opts.runs, 250, LOCATION);
    const backToBack = await measureSubmitToSuccess(cp.client, opts.runs, 0, LOCATION);
    const processFloor = await measureProcessAndHttpFloor(opts.runs);
    console.log(`agents: ${opts.throughputRuns} no-op runs at once through 1 agent (--max-runs ${opts.maxRuns})…`);
    const oneAgent = await measureThroughput(cp.client, opts.throughputRuns);
    const oneAgentFloor = await measureThroughputFloor(opts.throughputRuns, opts.maxRuns);
    console.log(`agents: ${opts.kills} agents killed with SIGKILL, each holding ${opts.maxRuns} runs…`);
    const killToHandled = await measureKills(cp.client, agent, start, opts.kills, opts.maxRuns);
    const killFloor = await measureKillFloor(opts.kills);
    console.log(`agents: ${opts.throughputRuns} no-op runs at once through 3 agents…`);
    // The last kill's agent was started again (measureKills): with two more, three serve the location.
    await Promise.all([start("a2"), start("a3")]);
    const threeAgents = await measureThroughput(cp.client, opts.throughputRuns);
    const threeAgentsFloor = await measureThroughputFloor(opts.throughputRuns, 3 * opts.maxRuns);
    return {
      ...launch,
      latency: spaced,
      backToBack,
      processFloor,
      killToHandled,
      killFloor,
      maxRuns: opts.maxRuns,
      oneAgent,
      threeAgents,
      oneAgentFloor,
      threeAgentsFloor,
    };
  } finally {
    await Promise.allSettled([...running.values()].map((a) => a.stop()));
  }
}

const perSecond = (t: Throughput) => `${t.perSecond.toFixed(1)} runs/s (${t.runs} in ${t.seconds.toFixed(1)} s)`;

export function agentRows(r: AgentBenchResults): [string, string][] {
  const floorP50 = r.rpcFloor.p50 + r.wsFloor.p50;
  return [
    ["submit → launch received by an agent (socket)", formatLatency(r.submitToLaunch)],
    ["  floor: Worker → DO RPC + 1 SQLite write", formatLatency(r.rpcFloor)],
    ["  floor: bare local WebSocket message", formatLatency(r.wsFloor)],
    [
      "  floor with the run stored in D1 first (+ WebSocket message)",
      `p50 ${ms(r.submitFloor.p50 + r.wsFloor.p50)}: ${(r.submitToLaunch.p50 / (r.submitFloor.p50 + r.wsFloor.p50)).toFixed(2)}× of it`,
    ],
    ["  ratio p50 / (sum of floors p50)", `${(r.submitToLaunch.p50 / floorP50).toFixed(2)}×`],
    ["submit → SUCCESS through 1 agent (250 ms apart)", formatLatency(r.latency)],
    ["submit → SUCCESS through 1 agent (back to back)", formatLatency(r.backToBack)],
    ["  floor: spawn node + 3 HTTP round trips", formatLatency(r.processFloor)],
    ["  ratio p50 / floor p50", `${(r.latency.p50 / r.processFloor.p50).toFixed(2)}×`],
    [
      `agent SIGKILL → its ${r.killToHandled.runsPerKill} runs handled`,
      `p50 ${ms(r.killToHandled.p50)}, max ${ms(r.killToHandled.max)} (n=${r.killToHandled.n}; ${r.killToHandled.failed} AGENT_LOST, ${r.killToHandled.resumed} resumed; target ≤ 10 s)`,
    ],
    ["  floor: bare WebSocket sees its SIGKILLed peer close", `p50 ${ms(r.killFloor.p50)}, max ${ms(r.killFloor.max)}`],
    [`no-op runs/s, 1 agent (--max-runs ${r.maxRuns})`, perSecond(r.oneAgent)],
    [`  floor: spawn node + 3 HTTP round trips, ${r.maxRuns} at a time`, perSecond(r.oneAgentFloor)],
    [`no-op runs/s, 3 agents (--max-runs ${r.maxRuns} each)`, perSecond(r.threeAgents)],
    [`  floor: the same, ${3 * r.maxRuns} at a time`, perSecond(r.threeAgentsFloor)],
    ["  ratio 3 agents / 1 agent", `${(r.threeAgents.perSecond / r.oneAgent.perSecond).toFixed(2)}×`],
  ];
}
