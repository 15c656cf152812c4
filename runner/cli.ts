/**
 * The `flightdeck` command: Dagster's `dagster code-server start`, as `flightdeck serve <file>`,
 * `dagster project scaffold`, as `flightdeck new <dir>` (cli/new-project.ts), an agent that dials
 * out to the control plane, as `flightdeck agent <file>` (agent.ts), and the client verbs that speak to a control plane (`flightdeck run list`; cli/dispatch.ts).
 * Usage errors exit 2; a missing or malformed webhook secret refuses to start (exit 2).
 */
import { existsSync } from "node:fs";
import { isValidSecret } from "../protocol";
import { type RunningAgent, startAgent } from "./agent";
import { parseAgentArgs } from "./agent/agent-args";
import { CLIENT_USAGE, isClientCommand, runClientCommand } from "./cli/dispatch";
import { runNewCommand } from "./cli/new-project";
import { parseCliArgs, USAGE } from "./cli-args";
import { SECRET_ENV, startServer } from "./server";
import { readStandbyWindowMs } from "./server/standby-pool-size";

function fail(message: string): never {
  console.error(`flightdeck: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === "new") process.exit(runNewCommand(argv.slice(1)));
  if (argv[0] === "agent" && !argv.includes("--help")) return runAgent(argv.slice(1));
  if (isClientCommand(argv[0])) {
    process.exitCode = await runClientCommand(argv);
    return;
  }
  const args = parseCliArgs(argv);
  if (args.command === "help") {
    console.log(`${USAGE}\n\n${CLIENT_USAGE}`);
    return;
  }
  if (args.command === "error") fail(args.message);
  if (!existsSync(args.file)) fail(`${args.file} does not exist`);
  const secret = process.env[SECRET_ENV];
  if (!secret) fail(`${SECRET_ENV} is not set: start the server with the code location's whsec_ secret`);
  if (!isValidSecret(secret))
    fail(`${SECRET_ENV} is not a valid secret: it must be "whsec_" followed by base64 of at least 24 bytes`);

  const server = await startServer({
    file: args.file,
    host: args.host,
    port: args.port,
    dataDir: args.dataDir,
    secret,
    terminateGraceMs: args.terminateGraceSeconds * 1000,
    standby: { min: args.standbyWorkers, max: args.maxStandbyWorkers, windowMs: readStandbyWindowMs(process.env) },
  });
  console.log(`flightdeck: serving ${args.file} at ${server.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`flightdeck: ${signal} received: terminating run workers and stopping`);
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** `flightdeck agent`: runs until SIGINT/SIGTERM, then terminates its run workers and exits. */
async function runAgent(rest: readonly string[]): Promise<void> {
  const args = parseAgentArgs(rest, process.env);
  if (args.command === "error") fail(args.message);
  if (!existsSync(args.file)) fail(`${args.file} does not exist`);
  let agent: RunningAgent;
  try {
    agent = await startAgent(args);
  } catch (error) {
    console.error(`flightdeck agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`flightdeck agent: ${signal} received: terminating run workers and stopping`);
    void agent.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

await main(process.argv.slice(2));
