/**
 * The steps a run executes (Dagster's ExecutionPlan with `step_keys_to_execute`): every node of
 * the job, or for a re-execution only the launch's `reexecution.step_keys`. A step outside the
 * selection is "reused": it succeeded in an ancestor run — or, for a resumed attempt, in an
 * earlier attempt of this run — and steps downstream of it load its outputs from there through the
 * IO manager.
 */
import type { LaunchRequest } from "../../protocol";
import type { Job, JobNode } from "../sdk/job";

export interface StepPlan {
  readonly nodes: readonly JobNode[];
  readonly reused: ReadonlySet<string>;
}

export function planSteps(job: Job, launch: LaunchRequest): StepPlan {
  const plan = selectSteps(job, launch);
  // A resumed attempt (run monitoring, Dagster's resume_run) skips the steps an earlier attempt of
  // this run finished: their outputs are stored under this run id, where loadInput looks first.
  const done = new Set(launch.resume ? (launch.succeeded_step_keys ?? []) : []);
  if (done.size === 0) return plan;
  return {
    nodes: plan.nodes.filter((node) => !done.has(node.name)),
    reused: new Set([...plan.reused, ...plan.nodes.filter((node) => done.has(node.name)).map((node) => node.name)]),
  };
}

function selectSteps(job: Job, launch: LaunchRequest): StepPlan {
  const selected = launch.reexecution ? new Set(launch.reexecution.step_keys) : null;
  if (selected === null) return { nodes: job.nodes, reused: new Set() };
  const unknown = [...selected].filter((key) => !job.nodes.some((node) => node.name === key));
  if (unknown.length > 0) {
    throw new Error(`the re-execution names steps that job "${job.name}" does not have: ${unknown.join(", ")}`);
  }
  return {
    nodes: job.nodes.filter((node) => selected.has(node.name)),
    reused: new Set(job.nodes.filter((node) => !selected.has(node.name)).map((node) => node.name)),
  };
}

/** Why a step cannot start, or null: termination, or an upstream step that did not succeed. */
export function skipReason(node: JobNode, isDone: (stepKey: string) => boolean, signal: AbortSignal): string | null {
  if (signal.aborted) return "the run was terminated before this step started";
  const blocked = node.upstream.find((upstream) => !isDone(upstream));
  return blocked === undefined ? null : `upstream step "${blocked}" did not succeed`;
}
