/**
 * The run launcher seam (Dagster's RunLauncher): starts a run worker for a run attempt and asks it
 * to stop. The coordinators depend on this interface only; the HTTP launcher is the one there is.
 */
import type { Run, RunAgent } from "../../protocol";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";

/**
 * `unreachable`: the server could not be reached (signed-fetch.ts), as opposed to answering an
 * error. `agent`: the agent a launch of an agent location went to, recorded on the run.
 */
export type LaunchOutcome =
  | { ok: true; handle: string | null; agent?: RunAgent }
  | { ok: false; reason: string; unreachable?: boolean };
export type TerminateOutcome = { ok: true } | { ok: false; reason: string };

export type LaunchInput = {
  run: Run;
  /** The bearer token the run worker posts events with; only its hash is stored. */
  runToken: string;
  eventsUrl: string;
  /** The code location's endpoint when the caller read it already (a submit); else the launcher reads it. */
  endpoint?: CodeLocationEndpoint | null;
  /** A resumed attempt (run monitoring): the steps that already succeeded in an earlier attempt. */
  resume?: { succeededStepKeys: readonly string[] };
};

export interface RunLauncher {
  launchRun(input: LaunchInput): Promise<LaunchOutcome>;
  terminateRun(run: Run): Promise<TerminateOutcome>;
}
