/**
 * Acts on the runs of a lost agent (agent-lost-policy.ts decides, monitoring.ts carries out, with
 * its conditional writes and events, so a run that ended meanwhile is left alone). Called by the
 * run coordinator object the moment it notices the loss; never throws (each run is logged and the
 * rest go on).
 */
import { getRun } from "../storage/runs-repo";
import { decideAgentLost } from "./agent-lost-policy";
import { carryOutMonitoring, type MonitoringDeps } from "./monitoring";

export type LostAgentRuns = { agentId: string; location: string; runIds: readonly string[]; why: string };

export async function actOnLostAgentRuns(deps: MonitoringDeps, lost: LostAgentRuns): Promise<void> {
  const why = `Agent ${lost.agentId} of code location ${lost.location} was lost (${lost.why})`;
  for (const runId of lost.runIds) {
    try {
      const run = await getRun(deps.db, runId);
      if (!run) continue;
      await carryOutMonitoring(deps, run, decideAgentLost(run, deps.config, why));
    } catch (error) {
      console.error(`run coordinator: run ${runId} of lost agent ${lost.agentId} failed:`, error);
    }
  }
}
