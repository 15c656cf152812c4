/** Picks the executor a job asks for: Dagster's executor_def on a job. */
import type { ExecutorKind } from "../../protocol";
import type { Executor } from "./executor";
import { inProcessExecutor } from "./in-process";
import { multiprocessExecutor } from "./multiprocess";

export function selectExecutor(kind: ExecutorKind): Executor {
  switch (kind) {
    case "in_process":
      return inProcessExecutor;
    case "multiprocess":
      return multiprocessExecutor;
  }
}
