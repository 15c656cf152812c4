/**
 * The run coordinator seam (Dagster's RunCoordinator): what happens to a submitted run, and how
 * a terminate request is carried out. Two implement it: the default coordinator launches at once,
 * the queued one hands the run to the RunCoordinator Durable Object, which owns admission
 * (DESIGN.md §2); `run_coordinator.type` picks one per submit (configured-run-coordinator.ts).
 */
import type { EffectiveInstanceConfig, Run } from "../../protocol";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";
import type { PoolNeeds } from "./queue/first-step-pools";

/**
 * What the submit already read (in one batch), so the coordinator and the launch need not read it
 * again; and the op concurrency pools the run's first steps need (queue/first-step-pools.ts), which
 * the queued coordinator keeps with the run.
 */
export type SubmitContext = {
  config?: EffectiveInstanceConfig;
  endpoint?: CodeLocationEndpoint;
  firstStepPools?: PoolNeeds | null;
};

export interface RunCoordinatorSeam {
  /**
   * Takes a new run (NOT_STARTED, validated, not yet stored), stores it together with the
   * coordinator's first decision in one batch, acts, and returns the run as it then stands.
   */
  submit(run: Run, context?: SubmitContext): Promise<Run>;
  /** Cancels a run that has not started, or asks a running one to stop; returns it afterwards. */
  cancel(runId: string): Promise<Run>;
}
