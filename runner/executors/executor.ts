/**
 * The executor seam: Dagster's Executor, which decides how a run's steps are executed once the
 * run worker has a plan. `in_process` runs them in the run worker itself; `multiprocess` runs each
 * step in a child process (multiprocess.ts).
 */
import type { ExecutorKind, LaunchRequest } from "../../protocol";
import type { EmitEvent } from "../events/event-log";
import type { Job } from "../sdk/job";
import type { IoManager } from "./io-manager";
import type { PoolSlotClaimer } from "./pool-slot-client";

export interface ExecutionContext {
  readonly job: Job;
  readonly launch: LaunchRequest;
  readonly emit: EmitEvent;
  /** Aborted when the run is terminated. */
  readonly signal: AbortSignal;
  /** Outputs between steps; absent (unit tests), in-process steps pass values in memory only. */
  readonly io?: IoManager;
  /** How a multiprocess executor starts a step process (see execution-resources.ts). */
  readonly stepProcess?: StepProcessSpec;
  /** The run attempt's dir, where step processes' stdout and stderr are captured. */
  readonly runDir?: string;
  /** Claims op concurrency pool slots from the control plane; absent (unit tests), pools are ignored. */
  readonly poolSlots?: PoolSlotClaimer;
  /** Sources of time and chance for retry delays; tests pin them. */
  readonly random?: () => number;
}

export interface StepProcessSpec {
  readonly execPath: string;
  /** Every argument: Node flags and `<bundle> --step`, or `--snapshot-blob <blob>`. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
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
