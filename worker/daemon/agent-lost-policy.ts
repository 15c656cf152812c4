/**
 * What becomes of a run whose agent was lost (its socket closed, or it stopped pinging): run
 * monitoring's rules (monitoring-policy.ts, Dagster's monitor_started_run) applied at once, since
 * the loss is known rather than inferred from silence. A STARTED run is resumed as its next
 * attempt, on another agent, while `max_resume_run_attempts` allows, else it fails with
 * AGENT_LOST; a STARTING run cannot be resumed (nothing of it ran) and fails the same way; a
 * CANCELING run is CANCELED (nothing is left to stop). Pure: the run, the config, why.
 */
import { type MonitoredRun, type MonitoringConfig, type MonitoringDecision, resumeOrFail } from "./monitoring-policy";

export function decideAgentLost(run: MonitoredRun, config: MonitoringConfig, why: string): MonitoringDecision {
  switch (run.status) {
    case "STARTED":
      return resumeOrFail(run, config, why, { reason: "AGENT_LOST", terminate: false });
    case "STARTING":
      return { kind: "fail", reason: "AGENT_LOST", terminate: false, message: `${why} before the run started.` };
    case "CANCELING":
      return { kind: "cancel", message: `${why} while the run was canceling; marking it CANCELED.` };
    default:
      return { kind: "none" };
  }
}
