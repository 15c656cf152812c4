/**
 * Parses `flightdeck agent <file> --control-plane <url> [--token <agent token>] [--max-runs N]`
 * (plus the data dir, grace and standby flags `serve` has). Pure, like cli-args.ts. The token may
 * come from FLIGHTDECK_AGENT_TOKEN instead, so it stays out of the process list.
 */
import { join } from "node:path";
import { AGENT_TOKEN_PREFIX, MAX_AGENT_RUNS } from "../../protocol";
import { defaultLocationName, parseStandbyFlags } from "../cli-args";

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

const FLAGS = [
  "--control-plane",
  "--token",
  "--max-runs",
  "--data-dir",
  "--terminate-grace-seconds",
  "--standby-workers",
  "--max-standby-workers",
] as const;
type Flag = (typeof FLAGS)[number];
const isFlag = (name: string): name is Flag => (FLAGS as readonly string[]).includes(name);

type Parsed = AgentArgs | { readonly command: "error"; readonly message: string };

function error(message: string): Parsed {
  return { command: "error", message };
}

export function parseAgentArgs(rest: readonly string[], env: NodeJS.ProcessEnv = {}): Parsed {
  const values = new Map<Flag, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name = "", inline] = arg.split(/=(.*)/s, 2);
    if (!isFlag(name)) return error(`unknown flag "${name}"`);
    const value = inline ?? rest[++i];
    if (value === undefined || value === "") return error(`${name} needs a value`);
    values.set(name, value);
  }
  if (positional.length !== 1) {
    return error(
      positional.length === 0 ? "agent needs the file of a code location" : `unexpected argument "${positional[1]}"`,
    );
  }
  const file = positional[0] ?? "";
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
  const grace = Number(values.get("--terminate-grace-seconds") ?? "10");
  if (!Number.isFinite(grace) || grace < 0)
    return error("--terminate-grace-seconds must be a number of seconds, 0 or more");
  const standby = parseStandbyFlags(values.get("--standby-workers"), values.get("--max-standby-workers"));
  if (typeof standby === "string") return error(standby);
  return {
    command: "agent",
    file,
    controlPlane: controlPlane.replace(/\/+$/, ""),
    token,
    maxRuns,
    dataDir: values.get("--data-dir") ?? join(".flightdeck", `${defaultLocationName(file)}-agent`),
    terminateGraceSeconds: grace,
    standbyWorkers: standby.min,
    maxStandbyWorkers: standby.max,
  };
}
