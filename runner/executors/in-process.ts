/**
 * The in-process executor: Dagster's `in_process_executor`. Runs the steps one at a time, in the
 * job's dependency order, inside the run worker, handing each op's outputs to its downstream
 * inputs in memory (and storing them through the IO manager, so a re-execution can reuse them).
 * Sequential like Dagster's: events come out in a readable order, and an op never competes with
 * another for the CPU; parallelism is the multiprocess executor's job. A step whose upstream did
 * not succeed is skipped; after termination no step starts. A failed step is retried in place,
 * as its retry policy says. What a step prints is captured as its compute log (in-process-output.ts).
 */
import type { StepSkippedData } from "../../protocol";
import type { ExecutionContext, ExecutionResult, Executor, StepStatus } from "./executor";
import { captureStepOutput } from "./in-process-output";
import { runStep, runStepWithRetries } from "./run-step";
import { planSteps, skipReason } from "./step-plan";

export const inProcessExecutor: Executor = {
  kind: "in_process",
  async execute(context: ExecutionContext): Promise<ExecutionResult> {
    const plan = planSteps(context.job, context.launch);
    const steps = new Map<string, StepStatus>();
    const failed: string[] = [];
    const values = new Map<string, Map<string, unknown>>();
    const isDone = (key: string) => plan.reused.has(key) || steps.get(key) === "success";
    for (const node of plan.nodes) {
      const reason = skipReason(node, isDone, context.signal);
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
      let outcome: Awaited<ReturnType<typeof runStep>>;
      try {
        const inputs: Record<string, unknown> = {};
        for (const input of node.inputs) {
          const produced = values.get(input.from.node);
          inputs[input.name] =
            produced !== undefined || !context.io
              ? produced?.get(input.from.output)
              : await context.io.loadInput({
                  runId: context.launch.run_id,
                  stepKey: input.from.node,
                  output: input.from.output,
                });
        }
        outcome = await runStepWithRetries(context, node.name, async (attempt) => {
          const stopCapture = captureStepOutput(context.runDir, node.name);
          try {
            return await runStep(context, node, inputs, attempt);
          } finally {
            stopCapture();
          }
        });
      } catch (error) {
        // Loading an input failed: the step cannot run.
        const message = error instanceof Error ? error.message : String(error);
        context.emit({
          type: "STEP_FAILURE",
          stepKey: node.name,
          message: `Step "${node.name}" could not load its inputs: ${message}`,
          data: { error: { name: "InputLoadError", message } },
        });
        outcome = { ok: false, error: { name: "InputLoadError", message }, retry: { retry: false } };
      }
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
