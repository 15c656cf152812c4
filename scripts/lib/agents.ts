/**
 * `flightdeck agent` processes on this machine, as an operator starts them (README "Agents"): an
 * agent token made through the API, then a real agent dialling out to the control plane. Shared by
 * the agents' end-to-end test and `npm run bench`, so both measure the same real parts.
 */
import path from "node:path";
import { CreatedAgentTokenReplySchema } from "../../protocol";
import { AGENT_TOKEN_ENV } from "../../runner/agent/agent-args";
import type { FlightdeckClient } from "./api-client";
import { REPO_ROOT } from "./local-stack";
import { type Spawned, spawnGroup, waitForOutput } from "./processes";

/** `POST /api/agent-tokens`: a token for agents serving code location `location`; returns its secret. */
export async function createAgentToken(client: FlightdeckClient, name: string, location: string): Promise<string> {
  const made = await client.request("POST", "/api/agent-tokens", CreatedAgentTokenReplySchema, { name, location });
  return made.secret;
}

export type AgentProcess = {
  /** The id the run coordinator gave this connection (`GET /api/agents`). */
  id: string;
  dataDir: string;
  process: Spawned;
  stop: () => Promise<void>;
};

/** Starts `flightdeck agent <file>` and resolves once the coordinator welcomed it. */
export async function startAgent(opts: {
  file: string;
  controlPlane: string;
  token: string;
  dataDir: string;
  maxRuns?: number;
  standbyWorkers?: number;
  echoPrefix?: string;
  /** The compiled `flightdeck` CLI (compiled-runner.ts); by default runner/cli.ts from source under tsx. */
  cli?: string;
}): Promise<AgentProcess> {
  const cli = opts.cli === undefined ? ["--import", "tsx", path.join(REPO_ROOT, "runner/cli.ts")] : [opts.cli];
  const args = [...cli, "agent", opts.file, "--control-plane", opts.controlPlane, "--data-dir", opts.dataDir];
  if (opts.maxRuns !== undefined) args.push("--max-runs", String(opts.maxRuns));
  if (opts.standbyWorkers !== undefined) args.push("--standby-workers", String(opts.standbyWorkers));
  // The token goes in the environment, not on the command line, where `ps` shows it to every local user.
  const proc = spawnGroup(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { [AGENT_TOKEN_ENV]: opts.token },
    echoPrefix: opts.echoPrefix,
  });
  try {
    const match = await waitForOutput(proc, /connected to \S+ as (agent_[0-9a-f]+)/);
    return { id: match[1] ?? "", dataDir: opts.dataDir, process: proc, stop: () => proc.stop() };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
