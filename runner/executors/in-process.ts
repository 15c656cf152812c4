/**
 * The in-process executor: Dagster's `in_process_executor`. Runs the steps one at a time, in the
 * job's dependency order, inside the run worker, handing each op's outputs to its downstream
 * inputs in memory. Sequential like Dagster's: events come out in a readable order, and an op
 * never competes with another for the CPU; parallelism is the multiprocess executor's job.
 * A step whose upstream did not succeed is skipped; after termination no step starts.
 */
import type { StepSkippedData } from "../../protocol";
import type { ExecutionContext, ExecutionResult, Executor, StepStatus } from "./executor";
import { runStep } from "./run-step";

export const inProcessExecutor: Executor = {
  kind: "in_process",
  async execute(context: ExecutionContext): Promise<ExecutionResult> {
    const steps = new Map<string, StepStatus>();
    const failed: string[] = [];
    const values = new Map<string, Map<string, unknown>>();
    for (const node of context.job.nodes) {
      const blocked = node.upstream.find((upstream) => steps.get(upstream) !== "success");
      const reason = context.signal.aborted
        ? "the run was terminated before this step started"
        : blocked !== undefined
          ? `upstream step "${blocked}" did not succeed`
          : null;
      if (reason !== null) {
        context.emit({
          type: "STEP_SKIPPED",
          stepKey: node.name,
          message: `Skipped step "${node.name}": ${reason}.`,
          data: { reason } satisfies StepSkippedData,
        });
        steps.set(node.name, "skipped");
        continue;
      }
      const inputs = Object.fromEntries(
        node.inputs.map((input) => [input.name, values.get(input.from.node)?.get(input.from.output)]),
      );
      const outcome = await runStep(context, node, inputs);
      if (outcome.ok) {
        steps.set(node.name, "success");
        values.set(node.name, outcome.outputs);
      } else {
        steps.set(node.name, "failure");
        failed.push(node.name);
      }
    }
    return { steps, failed };
  },
};
