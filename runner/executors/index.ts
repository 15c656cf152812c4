/** Picks the executor a job asks for: Dagster's executor_def on a job. */
import type { ExecutorKind } from "../../protocol";
import type { Executor } from "./executor";
import { inProcessExecutor } from "./in-process";

export function selectExecutor(kind: ExecutorKind): Executor {
  switch (kind) {
    case "in_process":
      return inProcessExecutor;
    case "multiprocess":
      throw new Error('the "multiprocess" executor is not available yet; use "in_process"');
  }
}
