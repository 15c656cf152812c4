/**
 * The executor seam: Dagster's Executor, which decides how a run's steps are executed once the
 * run worker has a plan. `in_process` runs them in the run worker itself; `multiprocess` (a later
 * issue) will run each step in a child process and plug in here without touching the run worker.
 */
import type { ExecutorKind, LaunchRequest } from "../../protocol";
import type { EmitEvent } from "../events/event-log";
import type { Job } from "../sdk/job";

export interface ExecutionContext {
  readonly job: Job;
  readonly launch: LaunchRequest;
  readonly emit: EmitEvent;
  /** Aborted when the run is terminated. */
  readonly signal: AbortSignal;
}

export type StepStatus = "success" | "failure" | "skipped";

export interface ExecutionResult {
  readonly steps: ReadonlyMap<string, StepStatus>;
  /** Steps that failed, in the order they failed. */
  readonly failed: readonly string[];
}

export interface Executor {
  readonly kind: ExecutorKind;
  /** Runs every step, emitting STEP_* events; never throws for a failing op. */
  execute(context: ExecutionContext): Promise<ExecutionResult>;
}
