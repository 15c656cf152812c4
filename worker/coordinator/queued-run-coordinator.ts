/**
 * Dagster's QueuedRunCoordinator, on a Durable Object: submit hands the run to the RunCoordinator
 * object, which stores it QUEUED with its RUN_ENQUEUED event in D1 — in the same batch as its move
 * to STARTING when the limits let it launch at once, so a run that can start costs one D1 round
 * trip, not two — and returns once D1 has it (run-coordinator.do.ts `submit`). Cancelling goes through the object first, so a
 * queued run is removed and CANCELED with no race against a launch in flight; anything past the
 * queue is terminated as usual.
 */
import type { Run } from "../../protocol";
import type { RunDeps } from "../runs/run-deps";
import { terminateRun } from "../runs/terminate-run";
import { getRun } from "../storage/runs-repo";
import { type CoordinatorEnv, coordinatorStub } from "./coordinator-stub";
import type { RunCoordinatorSeam, SubmitContext } from "./run-coordinator-seam";

export type QueuedRunCoordinatorDeps = RunDeps & {
  env: CoordinatorEnv;
  eventsUrlFor: (runId: string) => string;
};

export class QueuedRunCoordinator implements RunCoordinatorSeam {
  constructor(private readonly deps: QueuedRunCoordinatorDeps) {}

  async submit(run: Run, context?: SubmitContext): Promise<Run> {
    const queued: Run = { ...run, status: "QUEUED" };
    // The object stores the run in D1 — with its claim, when it admits it at once — before it returns.
    await coordinatorStub(this.deps.env).submit({
      run: queued,
      eventsUrl: this.deps.eventsUrlFor(run.id),
      endpoint: context?.endpoint ?? null,
      firstStepPools: context?.firstStepPools ?? null,
    });
    return queued;
  }

  async cancel(runId: string): Promise<Run> {
    if ((await coordinatorStub(this.deps.env).cancelQueued(runId)) === "canceled") {
      const run = await getRun(this.deps.db, runId);
      if (run) return run;
    }
    return terminateRun(this.deps, runId);
  }
}
