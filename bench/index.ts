/**
 * `npm run bench`: Flightdeck's figures on this machine, each beside a floor measured in the same
 * run, printed as a table and written to bench-results/latest.json. Real processes throughout:
 * `wrangler dev` with local D1, the demo code location server, real run workers.
 *
 * Flags: --runs <n> (submit → SUCCESS samples, default 60), --batches <n> (ingestion, default 100),
 * --alerts <n> (run FAILURE → alert samples, default 30), --agent-runs <n> (agents' submit → launch
 * and submit → SUCCESS samples, default 30), --agent-kills <n> (agents killed, default 3),
 * --agent-burst <n> (runs submitted at once for agents' runs/s, default 60), --only agents (only
 * the agents' figures, bench/agents.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  generateAdminToken,
  REPO_ROOT,
  registerCodeLocation,
  startCodeLocation,
  startControlPlane,
} from "../scripts/lib/local-stack";
import { runToCompletion } from "../scripts/lib/processes";
import { agentRows, runAgentBench } from "./agents";
import { alertRows, measureFailureToAlert, measureQueueAndPostFloor } from "./alerts";
import { daemonRows, measureDeathToFailure } from "./daemon";
import { executorRows, measureExecutors } from "./executors";
import {
  formatLatency,
  measureIngestion,
  measureProcessAndHttpFloor,
  measureSubmitToSuccess,
  measureWorkerBundle,
  submitPhaseRows,
} from "./first-slice";
import { queueRows, runQueueBench } from "./queue";
import { runPageRows, runRunPageBench } from "./run-page";
import { runUiBench, uiRows } from "./ui";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "60" },
    batches: { type: "string", default: "100" },
    alerts: { type: "string", default: "30" },
    "agent-runs": { type: "string", default: "30" },
    "agent-kills": { type: "string", default: "3" },
    "agent-burst": { type: "string", default: "60" },
    only: { type: "string" },
  },
});
if (values.only !== undefined && values.only !== "agents")
  throw new Error(`--only: "agents" is the one part that runs alone`);
const agentOptions = {
  launches: Number(values["agent-runs"]),
  runs: Number(values["agent-runs"]),
  kills: Number(values["agent-kills"]),
  throughputRuns: Number(values["agent-burst"]),
  maxRuns: 4,
};
const runs = Number(values.runs);
const batches = Number(values.batches);
const alertSamples = Number(values.alerts);
const BATCH_SIZE = 100;

function printRows(rows: string[][]): void {
  const width = Math.max(...rows.map(([k]) => (k ?? "").length));
  console.log(`\n${rows.map(([k, v]) => `${(k ?? "").padEnd(width)}  ${v}`).join("\n")}\n`);
}

async function writeResults(results: Record<string, unknown>): Promise<void> {
  await mkdir(path.join(REPO_ROOT, "bench-results"), { recursive: true });
  await writeFile(path.join(REPO_ROOT, "bench-results/latest.json"), `${JSON.stringify(results, null, 2)}\n`);
}

async function buildUi(): Promise<void> {
  await runToCompletion(path.join(REPO_ROOT, "node_modules/.bin/vite"), ["build", "ui", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
  });
}

/** `--only agents`: a control plane and the agents' figures, nothing else. */
async function mainAgentsOnly() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-bench-"));
  await buildUi();
  const cp = await startControlPlane({ persistDir: path.join(dir, "state"), adminToken: generateAdminToken() });
  try {
    const agents = await runAgentBench(cp, path.join(dir, "agents"), agentOptions);
    printRows(agentRows(agents));
    await writeResults({ at: new Date().toISOString(), only: "agents", agents });
  } finally {
    await cp.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-bench-"));
  await buildUi();
  const cp = await startControlPlane({ persistDir: path.join(dir, "state"), adminToken: generateAdminToken() });
  const location = await startCodeLocation({
    name: "demo",
    file: path.join(REPO_ROOT, "examples/demo/location.ts"),
    dataDir: path.join(dir, "demo"),
  });
  try {
    const registered = await registerCodeLocation(cp, location);
    if (registered.status !== "LOADED") throw new Error(`demo did not load: ${registered.load_error}`);

    console.log(`submit → SUCCESS, one-op job, ${runs} sequential runs…`);
    const latency = await measureSubmitToSuccess(cp.client, runs, 250);
    const backToBack = await measureSubmitToSuccess(cp.client, runs, 0);
    const floor = await measureProcessAndHttpFloor(runs);
    console.log(`event ingestion, ${batches} batches of ${BATCH_SIZE}…`);
    const { ingestion, d1Floor } = await measureIngestion(cp, path.join(dir, "floor"), batches, BATCH_SIZE);
    const bundle = await measureWorkerBundle(path.join(dir, "deploy"));
    console.log("run worker death → FAILURE, 10 run workers killed with SIGKILL…");
    const deathToFailure = await measureDeathToFailure(cp.client, path.join(dir, "demo"), 10);
    const queue = await runQueueBench(cp, path.join(dir, "queue"));
    console.log(`run FAILURE → alert at a receiver, ${alertSamples} runs, and its floor…`);
    const alert = await measureFailureToAlert(cp, alertSamples);
    const alertFloor = await measureQueueAndPostFloor(path.join(dir, "alert-floor"), alertSamples);
    const agents = await runAgentBench(cp, path.join(dir, "agents"), agentOptions);

    const rows = [
      ["submit → SUCCESS (noop job, 250 ms apart)", formatLatency(latency)],
      ...submitPhaseRows(latency),
      ["submit → SUCCESS (noop job, back to back)", formatLatency(backToBack)],
      ...submitPhaseRows(backToBack),
      ["  floor: spawn node + 3 HTTP round trips", formatLatency(floor)],
      ["  ratio p50 / floor p50, 250 ms apart", `${(latency.p50 / floor.p50).toFixed(2)}× (target ≤ 1.5×)`],
      ["  ratio p50 / floor p50, back to back", `${(backToBack.p50 / floor.p50).toFixed(2)}× (target ≤ 2×)`],
      ["event ingestion, batches of 100", `${ingestion.perSecond.toFixed(0)} events/s`],
      ["  floor: raw D1 batch insert", `${d1Floor.perSecond.toFixed(0)} rows/s`],
      ["  ratio", `${((100 * ingestion.perSecond) / d1Floor.perSecond).toFixed(0)}% of floor (target ≥ 50%)`],
      ["Worker bundle (wrangler deploy --dry-run)", bundle],
      ...daemonRows(deathToFailure),
      ...queueRows(queue),
      ...alertRows(alert, alertFloor),
      ...agentRows(agents),
    ];
    // The dashboard's figures start their own control plane: stop this one first so they do not compete.
    await Promise.allSettled([location.stop(), cp.stop()]);
    console.log("executors: 100 no-op steps, multiprocess beside spawning bare node, and in-process…");
    const executors = await measureExecutors();
    rows.push(...executorRows(executors));
    console.log("dashboard: initial JS, and the runs page with 10,000 runs stored…");
    const ui = await runUiBench(path.join(dir, "ui"));
    rows.push(...uiRows(ui));
    console.log("dashboard: the run page of a run with 10,000 events…");
    const runPage = await runRunPageBench(path.join(dir, "run-page"));
    rows.push(...runPageRows(runPage));

    printRows(rows);
    await writeResults({
      at: new Date().toISOString(),
      latency,
      backToBack,
      floor,
      ingestion,
      d1Floor,
      bundle,
      deathToFailure,
      queue,
      alert,
      alertFloor,
      agents,
      executors,
      ui,
      runPage,
    });
  } finally {
    await Promise.allSettled([location.stop(), cp.stop()]);
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

await (values.only === "agents" ? mainAgentsOnly() : main());
