/**
 * Re-executing a run (Dagster's `ReexecutionOptions` + `create_reexecuted_run`): a new run of the
 * parent's job and run config, tagged `flightdeck/parent_run_id` and `flightdeck/root_run_id`
 * (the columns say the same), whose launch request carries `reexecution: {parent_run_id,
 * step_keys}`, so the run worker executes only those steps and reads the other steps' outputs from
 * the parent's stored outputs.
 *
 * ```ts
 * reexecuteRun(
 *   deps: SubmitDeps,                  // { db, coordinator, now } — the same deps as submitRun
 *   parentRunId: string,
 *   options: {
 *     strategy: "FROM_FAILURE" | "ALL_STEPS" | "SELECTED_STEPS",
 *     step_keys?: string[],            // SELECTED_STEPS: the steps chosen on the run page
 *     include_downstream?: boolean,    // SELECTED_STEPS: and every step downstream of them
 *     tags?: Tags,                     // extra tags, override the parent's (e.g. flightdeck/retry_number)
 *   },
 * ): Promise<Run>                      // the new run, as the coordinator left it
 * ```
 * Throws NotFoundError (run_not_found, job_not_found, location_not_found) when the parent, its job
 * or its location is gone; ConflictError "invalid_transition" when the parent has not finished,
 * "conflict" when FROM_FAILURE finds nothing to re-run (the parent succeeded) or a selection reads
 * an output the parent never made; ValidationFailedError when a selection names a step the job
 * lacks; "location_not_loaded"
 * when the location is not LOADED. Run retries (the daemon) call it with the strategy from
 * `flightdeck/retry_strategy` and their own tags; the API calls it for the run page's buttons.
 *
 * Tags copied from the parent: all but `flightdeck/parent_run_id` and `flightdeck/root_run_id`,
 * which are set anew; the caller's `tags` win over both. Every check runs before the first write.
 */
import type { ReexecutionPlan, ReexecutionStrategy, Run, Tags } from "../../protocol";
import { isTerminalStatus, TAG } from "../../protocol";
import { resolveLoadedJob } from "../code-locations/jobs";
import { firstStepPoolsOf } from "../coordinator/queue/first-step-pools";
import { ConflictError, NotFoundError, ValidationFailedError } from "../errors";
import { getReexecutionPlan, listSucceededSteps, saveReexecutionPlan } from "../storage/reexecution-repo";
import { getRun } from "../storage/runs-repo";
import { newRun } from "./new-run";
import { selectChosenSteps, selectStepsToReexecute } from "./reexecution-plan";
import { resolveRunTags } from "./run-tags";
import type { SubmitDeps } from "./submit-run";

/**
 * The API's body (ReexecuteRun) or a run retry's strategy and tags. `runId`: the new run's id when
 * the caller chose it (run retries choose it with their decision; an Idempotency-Key claims it
 * before the run exists, idempotent-submit.ts).
 */
export type ReexecuteOptions = (
  | { strategy: ReexecutionStrategy; tags?: Tags }
  | { strategy: "SELECTED_STEPS"; step_keys: string[]; include_downstream: boolean; tags?: Tags }
) & { runId?: string };

export async function reexecuteRun(deps: SubmitDeps, parentRunId: string, options: ReexecuteOptions): Promise<Run> {
  const parent = await getRun(deps.db, parentRunId);
  if (!parent) throw new NotFoundError("run_not_found", `There is no run with id ${parentRunId}.`);
  if (!isTerminalStatus(parent.status)) {
    throw new ConflictError(
      "invalid_transition",
      `Run ${parentRunId} is ${parent.status}; only a finished run (SUCCESS, FAILURE or CANCELED) can be re-executed.`,
    );
  }
  const job = await resolveLoadedJob(deps.db, parent.location, parent.job);
  const [parentPlan, succeeded] = await Promise.all([
    getReexecutionPlan(deps.db, parent.id),
    options.strategy === "ALL_STEPS" ? Promise.resolve(new Set<string>()) : listSucceededSteps(deps.db, parent.id),
  ]);
  const parentExecution = { selected: parentPlan?.step_keys ?? null, succeeded };
  const selection =
    options.strategy === "SELECTED_STEPS"
      ? selectChosenSteps(job.nodes, options.step_keys, options.include_downstream, parentExecution)
      : selectStepsToReexecute(job.nodes, options.strategy, parentExecution);
  if (!selection.ok) {
    const message = `Run ${parentRunId} cannot be re-executed: ${selection.reason}.`;
    if (selection.code === "unknown_steps") {
      throw new ValidationFailedError(message, [{ path: "step_keys", message: selection.reason }]);
    }
    throw new ConflictError("conflict", message);
  }

  const rootRunId = parent.root_run_id ?? parent.id;
  const inherited: Tags = { ...parent.tags };
  // Tags about the parent's own place and fate, not the child's: set anew, or (the outcome of the
  // parent's failure) not at all until the child has its own.
  for (const key of [TAG.parentRunId, TAG.rootRunId, TAG.willRetry, TAG.failureReason]) delete inherited[key];
  const { tags, priority } = resolveRunTags({
    tags: { ...inherited, [TAG.parentRunId]: parent.id, [TAG.rootRunId]: rootRunId, ...(options.tags ?? {}) },
  });
  const now = deps.now();
  const run = newRun(
    {
      location: parent.location,
      job: parent.job,
      run_config: parent.run_config,
      tags,
      priority,
      lineage: { parent_run_id: parent.id, root_run_id: rootRunId },
    },
    now,
    options.runId,
  );
  const plan: ReexecutionPlan = { parent_run_id: parent.id, strategy: options.strategy, step_keys: selection.stepKeys };
  // Before the submit: a coordinator may launch at once, and the launcher reads the plan then.
  await saveReexecutionPlan(deps.db, run.id, plan, now);
  return deps.coordinator.submit(run, { firstStepPools: firstStepPoolsOf(job.nodes, selection.stepKeys) });
}
