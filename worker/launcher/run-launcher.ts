/**
 * The run launcher seam (Dagster's RunLauncher): starts a run worker for a run attempt and asks it
 * to stop. The coordinators depend on this interface only; the HTTP launcher is the one there is.
 */
import type { Run } from "../../protocol";

export type LaunchOutcome = { ok: true; handle: string | null } | { ok: false; reason: string };
export type TerminateOutcome = { ok: true } | { ok: false; reason: string };

export type LaunchInput = {
  run: Run;
  /** The bearer token the run worker posts events with; only its hash is stored. */
  runToken: string;
  eventsUrl: string;
};

export interface RunLauncher {
  launchRun(input: LaunchInput): Promise<LaunchOutcome>;
  terminateRun(run: Run): Promise<TerminateOutcome>;
}
