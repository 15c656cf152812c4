/**
 * Dagster's DefaultRunCoordinator: no queue, no limits — a submitted run moves NOT_STARTED →
 * STARTING at once and is handed to the run launcher. A launch that fails (network error, non-2xx,
 * timeout) fails the run, with the reason in its event log; the submit still succeeds, because the
 * run exists and says what went wrong.
 */
import type { Run } from "../../protocol";
import { issueRunToken } from "../auth/run-token";
import type { RunDeps } from "../runs/run-deps";
import { terminateRun } from "../runs/terminate-run";
import { getRun, insertRunStatements, saveLaunchHandle, transitionRun } from "../storage/runs-repo";
import type { RunCoordinatorSeam, SubmitContext } from "./run-coordinator-seam";

export type DefaultRunCoordinatorDeps = RunDeps & {
  /** Where the run worker posts its events: `<PUBLIC_URL or request origin>/api/runs/<id>/events`. */
  eventsUrlFor: (runId: string) => string;
};

export class DefaultRunCoordinator implements RunCoordinatorSeam {
  constructor(private readonly deps: DefaultRunCoordinatorDeps) {}

  async submit(run: Run, context?: SubmitContext): Promise<Run> {
    const { db, launcher, now } = this.deps;
    // The token's hash is stored with the move to STARTING, before the launch request leaves:
    // a run worker may post its first events before the launch reply comes back.
    const { token, hash } = await issueRunToken();
    const startingAt = now();
    // The run is inserted NOT_STARTED and moved to STARTING in the same batch: one round trip
    // on the submit → launch path, and the state machine still sees both steps.
    const starting = await transitionRun(
      db,
      { runId: run.id, to: "STARTING", from: ["NOT_STARTED"], now: startingAt, runTokenHash: hash },
      {
        runId: run.id,
        attempt: run.attempt,
        type: "RUN_STARTING",
        ts: startingAt,
        level: "INFO",
        message: `Launching run worker on code location ${run.location}.`,
      },
      insertRunStatements(db, run),
    );
    if (!starting) return this.#current(run.id); // terminated before it could start

    const outcome = await launcher.launchRun({
      run: { ...run, status: "STARTING", updated_at: startingAt },
      runToken: token,
      eventsUrl: this.deps.eventsUrlFor(run.id),
      endpoint: context?.endpoint,
    });
    const endedAt = now();
    if (outcome.ok) {
      if (outcome.handle !== null) {
        const saved = await saveLaunchHandle(db, run.id, run.attempt, outcome.handle, endedAt, outcome.agent);
        if (saved) return saved;
      }
    } else {
      // From STARTING, or CANCELING if a terminate came in meanwhile: no run worker exists to
      // finish either. A run that already reported RUN_START keeps its truth.
      await transitionRun(
        db,
        { runId: run.id, to: "FAILURE", from: ["STARTING", "CANCELING"], attempt: run.attempt, now: endedAt, endedAt },
        {
          runId: run.id,
          attempt: run.attempt,
          type: "ENGINE_EVENT",
          ts: endedAt,
          level: "ERROR",
          message: `Run launch failed: ${outcome.reason}`,
          data: { reason: outcome.reason },
        },
      );
    }
    return this.#current(run.id);
  }

  cancel(runId: string): Promise<Run> {
    return terminateRun(this.deps, runId);
  }

  async #current(runId: string): Promise<Run> {
    const run = await getRun(this.deps.db, runId);
    if (!run) throw new Error(`run ${runId} vanished while the coordinator held it`);
    return run;
  }
}
