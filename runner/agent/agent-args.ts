/**
 * Parses `flightdeck agent <file> --control-plane <url> [--token <agent token>] [--max-runs N]`
 * (plus the data dir, grace and standby flags `serve` has). Pure, like cli-args.ts. The token may
 * come from FLIGHTDECK_AGENT_TOKEN instead, so it stays out of the process list.
 */
import { join } from "node:path";
import { AGENT_TOKEN_PREFIX, MAX_AGENT_RUNS } from "../../protocol";
import { defaultLocationName } from "../cli-args";
import { parseFileAndFlags, parseRunWorkerFlags, RUN_WORKER_FLAGS } from "../command-flags";

export const AGENT_TOKEN_ENV = "FLIGHTDECK_AGENT_TOKEN";

export interface AgentArgs {
  readonly command: "agent";
  readonly file: string;
  readonly controlPlane: string;
  readonly token: string;
  readonly maxRuns: number;
  readonly dataDir: string;
  readonly terminateGraceSeconds: number;
  readonly standbyWorkers: number;
  readonly maxStandbyWorkers: number;
}

const FLAGS = ["--control-plane", "--token", "--max-runs", "--data-dir", ...RUN_WORKER_FLAGS] as const;

type Parsed = AgentArgs | { readonly command: "error"; readonly message: string };

function error(message: string): Parsed {
  return { command: "error", message };
}

export function parseAgentArgs(rest: readonly string[], env: NodeJS.ProcessEnv = {}): Parsed {
  const parsed = parseFileAndFlags("agent", rest, FLAGS);
  if (!parsed.ok) return error(parsed.message);
  const { file, values } = parsed;
  const controlPlane = values.get("--control-plane");
  if (!controlPlane) return error("agent needs --control-plane <url>, the control plane's URL");
  if (!/^https?:\/\/[^/]+/.test(controlPlane)) return error("--control-plane must be an http:// or https:// URL");
  const token = values.get("--token") ?? env[AGENT_TOKEN_ENV];
  if (!token)
    return error(`agent needs --token <agent token> (or ${AGENT_TOKEN_ENV}); make one with POST /api/agent-tokens`);
  if (!token.startsWith(AGENT_TOKEN_PREFIX)) return error(`the agent token starts with ${AGENT_TOKEN_PREFIX}`);
  const maxRuns = Number(values.get("--max-runs") ?? "4");
  if (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > MAX_AGENT_RUNS) {
    return error(`--max-runs must be a whole number from 1 to ${MAX_AGENT_RUNS}`);
  }
  const runWorkers = parseRunWorkerFlags(values);
  if (!runWorkers.ok) return error(runWorkers.message);
  return {
    command: "agent",
    file,
    controlPlane: controlPlane.replace(/\/+$/, ""),
    token,
    maxRuns,
    dataDir: values.get("--data-dir") ?? join(".flightdeck", `${defaultLocationName(file)}-agent`),
    terminateGraceSeconds: runWorkers.terminateGraceSeconds,
    standbyWorkers: runWorkers.standbyWorkers,
    maxStandbyWorkers: runWorkers.maxStandbyWorkers,
  };
}
