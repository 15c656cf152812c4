/**
 * Dagster's QueuedRunCoordinator, on a Durable Object: submit stores the run QUEUED with its
 * RUN_ENQUEUED event in one D1 batch and hands it to the RunCoordinator object, which admits it at
 * once if the limits allow (run-coordinator.do.ts). Cancelling goes through the object first, so a
 * queued run is removed and CANCELED with no race against a launch in flight; anything past the
 * queue is terminated as usual.
 */
import type { Run } from "../../protocol";
import type { RunDeps } from "../runs/run-deps";
import { terminateRun } from "../runs/terminate-run";
import { runBatch } from "../storage/db";
import { controlPlaneEventStatement } from "../storage/event-log-repo";
import { getRun, insertRunStatements } from "../storage/runs-repo";
import { type CoordinatorEnv, coordinatorStub } from "./coordinator-stub";
import type { RunCoordinator } from "./run-coordinator";

export type QueuedRunCoordinatorDeps = RunDeps & {
  env: CoordinatorEnv;
  eventsUrlFor: (runId: string) => string;
};

export class QueuedRunCoordinator implements RunCoordinator {
  constructor(private readonly deps: QueuedRunCoordinatorDeps) {}

  async submit(run: Run): Promise<Run> {
    const { db } = this.deps;
    const queued: Run = { ...run, status: "QUEUED" };
    await runBatch(db, [
      ...insertRunStatements(db, queued),
      controlPlaneEventStatement(db, {
        runId: run.id,
        attempt: run.attempt,
        type: "RUN_ENQUEUED",
        ts: run.created_at,
        level: "INFO",
        message: `Queued with priority ${run.priority}.`,
      }),
    ]);
    await coordinatorStub(this.deps.env).enqueue({
      id: run.id,
      tags: run.tags,
      enqueuedAt: run.created_at,
      eventsUrl: this.deps.eventsUrlFor(run.id),
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
