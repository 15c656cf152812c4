/**
 * Submitting a run (Dagster's `submit_run`): check the job exists in a LOADED code location,
 * validate the run config against the job's schema, and hand the new run to the run coordinator,
 * which stores it with its first decision. Every check runs before the first write, so a rejected
 * submit stores nothing.
 */
import type { EffectiveInstanceConfig, Run, RunConfig, SubmitRun } from "../../protocol";
import { loadedJobOf } from "../code-locations/jobs";
import { firstStepPoolsOf } from "../coordinator/queue/first-step-pools";
import type { RunCoordinatorSeam, SubmitContext } from "../coordinator/run-coordinator-seam";
import { InvalidRunConfigError } from "../errors";
import { describeIssues } from "../http/validation-issues";
import { validateRunConfig } from "../run-config/validate-run-config";
import type { Database } from "../storage/db";
import { readForSubmit } from "../storage/submit-reads-repo";
import { newRun } from "./new-run";
import { resolveRunTags } from "./run-tags";

export type SubmitDeps = {
  db: Database;
  coordinator: RunCoordinatorSeam;
  now: () => number;
  /**
   * The effective instance config from saved overrides: the submit reads its location and the
   * overrides in one batch and hands both to the coordinator (one D1 round trip, not three).
   */
  instanceConfigFrom: (savedOverrides: unknown) => EffectiveInstanceConfig;
};

/** `runId` is chosen by the caller when an Idempotency-Key claimed it (idempotent-submit.ts). */
export async function submitRun(deps: SubmitDeps, submit: SubmitRun, runId?: string): Promise<Run> {
  const { tags, priority } = resolveRunTags(submit);
  const read = await readForSubmit(deps.db, submit.location);
  const { job, location } = loadedJobOf(read.location, submit.location, submit.job);
  const context: SubmitContext = {
    config: deps.instanceConfigFrom(read.savedOverrides),
    endpoint: location.endpoint,
    firstStepPools: firstStepPoolsOf(job.nodes),
  };
  const runConfig: RunConfig = submit.run_config ?? defaultRunConfig(job.default_run_config);
  const issues = validateRunConfig(job.run_config_schema, runConfig);
  if (issues.length > 0) {
    throw new InvalidRunConfigError(
      describeIssues(`The run config does not fit job ${submit.location}/${submit.job}'s config schema`, issues),
      issues,
    );
  }
  const run = newRun(
    { location: submit.location, job: submit.job, run_config: runConfig, tags, priority },
    deps.now(),
    runId,
  );
  return deps.coordinator.submit(run, context);
}

/** The job's scaffold when the caller sent no run config, as Dagster's launchpad would. */
function defaultRunConfig(scaffold: unknown): RunConfig {
  return scaffold !== null && typeof scaffold === "object" && !Array.isArray(scaffold) ? (scaffold as RunConfig) : {};
}
