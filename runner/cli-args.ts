/**
 * Parses `flightdeck` command lines into options, or a usage error. Pure, so every flag's rule
 * is tested without starting anything. Dagster's `dagster code-server start` flags, renamed.
 */
import { basename, extname, join } from "node:path";
import { parseFileAndFlags, parseRunWorkerFlags, RUN_WORKER_FLAGS } from "./command-flags";

export const USAGE = `Usage:
  flightdeck serve <file> [--host 127.0.0.1] [--port 4000] [--data-dir .flightdeck/<name>]
                          [--terminate-grace-seconds 10] [--standby-workers 1] [--max-standby-workers 4]
  flightdeck agent <file> --control-plane <url> --token <agent token> [--max-runs 4]
                          [--data-dir .flightdeck/<name>-agent] [--terminate-grace-seconds 10]
                          [--standby-workers 1] [--max-standby-workers 4]
  flightdeck new <dir>
  flightdeck --help

Serves the code location that <file> exports (export default defineCodeLocation({...})) to a
Flightdeck control plane, and runs its jobs when the control plane launches them.
agent serves the same code location without a port: it dials out to the control plane
(behind NAT too) with an agent token made by an admin (POST /api/agent-tokens, one code location
each), and runs up to --max-runs runs at once; start several on any machines for one location.
new scaffolds a code location project in <dir> (absent or empty): package.json, tsconfig.json,
location.ts with one example job, README.md.

--standby-workers is how many run worker processes are kept started ahead of launches, so a run
does not wait for Node to start (each still runs exactly one run). While launches come closer
together than one of them takes to start, more are kept, up to --max-standby-workers (default 4,
or 0 when --standby-workers is 0); 10 s after the launches stop, the extra ones are stopped.
--standby-workers 0 starts each run worker on launch.

Environment:
  FLIGHTDECK_WEBHOOK_SECRET        serve: required, the code location's whsec_ secret; every request must be signed with it
  FLIGHTDECK_AGENT_TOKEN           agent: the agent token, instead of --token
  FLIGHTDECK_HEARTBEAT_SECONDS     run workers' heartbeat interval (default 10)
  FLIGHTDECK_FLUSH_TIMEOUT_SECONDS how long a run worker waits for its events to be acknowledged (default 600)
  FLIGHTDECK_STANDBY_WINDOW_SECONDS how long a launch keeps extra standby workers started (default 10)`;

export interface ServeArgs {
  readonly command: "serve";
  readonly file: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly terminateGraceSeconds: number;
  readonly standbyWorkers: number;
  readonly maxStandbyWorkers: number;
}

export type CliArgs =
  | ServeArgs
  | { readonly command: "help" }
  | { readonly command: "error"; readonly message: string };

const FLAGS = ["--host", "--port", "--data-dir", ...RUN_WORKER_FLAGS] as const;

/** The default data dir's name: the file's name, or its folder's when the file is a generic location/index. */
export function defaultLocationName(file: string): string {
  const stem = basename(file, extname(file));
  const name = ["location", "index", "definitions"].includes(stem) ? basename(join(file, "..")) : stem;
  return name.replace(/[^A-Za-z0-9_-]/g, "_") || "location";
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) return { command: "help" };
  const [command, ...rest] = argv;
  if (command !== "serve") return { command: "error", message: `unknown command "${command}"` };
  const parsed = parseFileAndFlags("serve", rest, FLAGS);
  if (!parsed.ok) return { command: "error", message: parsed.message };
  const { file, values } = parsed;
  const port = Number(values.get("--port") ?? "4000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return {
      command: "error",
      message: `--port must be a whole number from 0 to 65535, not "${values.get("--port")}"`,
    };
  }
  const runWorkers = parseRunWorkerFlags(values);
  if (!runWorkers.ok) return { command: "error", message: runWorkers.message };
  return {
    command: "serve",
    file,
    host: values.get("--host") ?? "127.0.0.1",
    port,
    dataDir: values.get("--data-dir") ?? join(".flightdeck", defaultLocationName(file)),
    terminateGraceSeconds: runWorkers.terminateGraceSeconds,
    standbyWorkers: runWorkers.standbyWorkers,
    maxStandbyWorkers: runWorkers.maxStandbyWorkers,
  };
}
