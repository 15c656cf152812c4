/**
 * The run launcher the control plane uses (run-launcher.ts): a run of a code location served by
 * agents (its URL is `agent://…`, protocol/agents.ts) is launched and terminated over an agent's
 * socket, which the run coordinator object holds; any other over HTTP (http-run-launcher.ts). So
 * submits, run monitoring, terminations and resumes need not know which kind a location is.
 */
import type { LaunchRequest, Run } from "../../protocol";
import { isAgentLocationUrl } from "../../protocol";
import { getCodeLocationEndpoint } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";
import { buildLaunchRequest } from "./http-run-launcher";
import type { LaunchInput, LaunchOutcome, RunLauncher, TerminateOutcome } from "./run-launcher";

/** What carries launches to agents: the coordinator object itself, or its stub from anywhere else. */
export interface AgentLaunches {
  launchOnAgent(request: LaunchRequest): Promise<LaunchOutcome>;
  terminateOnAgent(runId: string): Promise<TerminateOutcome>;
}

export class LocationRoutingLauncher implements RunLauncher {
  constructor(
    private readonly db: Database,
    private readonly http: RunLauncher,
    private readonly agents: () => AgentLaunches,
  ) {}

  async launchRun(input: LaunchInput): Promise<LaunchOutcome> {
    const endpoint = input.endpoint ?? (await getCodeLocationEndpoint(this.db, input.run.location));
    if (!endpoint || !isAgentLocationUrl(endpoint.url)) return this.http.launchRun({ ...input, endpoint });
    return this.agents().launchOnAgent(await buildLaunchRequest(this.db, input));
  }

  async terminateRun(run: Run): Promise<TerminateOutcome> {
    const endpoint = await getCodeLocationEndpoint(this.db, run.location);
    if (!endpoint || !isAgentLocationUrl(endpoint.url)) return this.http.terminateRun(run);
    return this.agents().terminateOnAgent(run.id);
  }
}
