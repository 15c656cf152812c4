/**
 * `flightdeck agent`: serves one code location from any machine by dialling out to the control
 * plane (Dagster+'s hybrid agent, push instead of poll). It bundles the location, registers its
 * definitions with its agent token (`PUT /api/agents/definitions`), then holds a socket to the run
 * coordinator (agent/agent-connection.ts) and starts a run worker process per launch with the code
 * location server's own launcher (server/run-worker-processes.ts) — events go to the events webhook
 * as they do from a server, spooled and idempotent (server/spool-sweeper.ts delivers what a dead
 * run worker left). Its run workers hold a lifeline (lifeline.ts): when the agent dies, they die.
 * Schedules and sensors are evaluated on the same socket, by the server's own evaluation route
 * (agent/agent-evaluations.ts).
 */
import { AgentDefinitionsReplySchema, type Definitions, type LaunchRequest } from "../protocol";
import { AGENT_TOKEN_ENV, type AgentArgs } from "./agent/agent-args";
import { AgentConnection } from "./agent/agent-connection";
import { answerEvaluation } from "./agent/agent-evaluations";
import { loadDefinitions, loadEvaluator, SECRET_ENV } from "./server";
import { bundleLocation } from "./server/bundle";
import { evaluateByPath } from "./server/evaluation-route";
import { RunWorkerProcesses } from "./server/run-worker-processes";
import { SpoolSweeper } from "./server/spool-sweeper";
import { readStandbyWindowMs } from "./server/standby-pool-size";

export interface RunningAgent {
  close(): Promise<void>;
}

const log = (line: string) => console.log(`flightdeck agent: ${line}`);

export async function startAgent(args: AgentArgs): Promise<RunningAgent> {
  process.setSourceMapsEnabled(true);
  const bundle = await bundleLocation(args.file, args.dataDir);
  if (!bundle.ok) throw new Error(`${args.file} failed to bundle:\n${bundle.error}`);
  const location = await loadDefinitions(bundle.path);
  if (!location.ok) throw new Error(`${args.file} failed to load:\n${location.error}`);
  const { definitions } = location;
  const evaluator = await loadEvaluator(bundle.path);
  const registered = await registerDefinitions(args, definitions);
  log(
    `serving code location ${registered.location} (definitions ${registered.definitions_version}), up to ${args.maxRuns} runs`,
  );

  let sweeper: SpoolSweeper | null = null;
  const launcher = new RunWorkerProcesses({
    dataDir: args.dataDir,
    bundlePath: bundle.path,
    terminateGraceMs: args.terminateGraceSeconds * 1000,
    withheldEnv: [AGENT_TOKEN_ENV, SECRET_ENV],
    standby: { min: args.standbyWorkers, max: args.maxStandbyWorkers, windowMs: readStandbyWindowMs(process.env) },
    lifeline: true,
    onExit: (dir, exit) => sweeper?.sweep(dir, exit),
  });
  sweeper = new SpoolSweeper({ dataDir: args.dataDir, isRunning: (dir) => launcher.isRunning(dir) });
  sweeper.start();

  const connection = new AgentConnection({
    controlPlane: args.controlPlane,
    token: args.token,
    definitionsVersion: registered.definitions_version,
    maxRuns: args.maxRuns,
    onLaunch: (request) => launch(launcher, definitions, request),
    onEvaluate: (request) => answerEvaluation((path, body) => evaluateByPath(location, evaluator, path, body), request),
    onTerminate: (runId) => {
      if (!launcher.terminate(runId)) log(`asked to terminate run ${runId}, which has no run worker here`);
    },
    // The coordinator has declared this agent's runs lost: nothing may keep running in their name.
    onDisconnect: () => {
      for (const runId of launcher.running()) launcher.terminate(runId);
    },
    log,
  });
  try {
    await connection.start();
  } catch (error) {
    await launcher.shutdown();
    await sweeper.stop();
    throw error;
  }
  return {
    close: async () => {
      connection.close();
      await launcher.shutdown();
      await sweeper?.stop();
    },
  };
}

function launch(launcher: RunWorkerProcesses, definitions: Definitions, request: LaunchRequest): void {
  if (!definitions.jobs.some((job) => job.name === request.job)) {
    // The run worker reports an unknown job as the run's failure; the agent only notes it.
    log(`run ${request.run_id} asks for job "${request.job}", which this agent's definitions do not have`);
  }
  const { spawned } = launcher.launch(request);
  log(`${spawned ? "started" : "already running"} run ${request.run_id} (attempt ${request.attempt})`);
}

async function registerDefinitions(args: AgentArgs, definitions: Definitions) {
  const res = await fetch(`${args.controlPlane}/api/agents/definitions`, {
    method: "PUT",
    headers: { authorization: `Bearer ${args.token}`, "content-type": "application/json" },
    body: JSON.stringify({ definitions }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`the control plane refused the definitions: HTTP ${res.status} ${text.slice(0, 500)}`);
  return AgentDefinitionsReplySchema.parse(JSON.parse(text));
}
