/**
 * One step attempt inside its pool slot: claims a slot of the op's pool before the attempt starts
 * (STEP_START comes after the grant) and frees it when the attempt ends, so a retry waiting out
 * its delay holds no slot. Steps of ops without a pool, and executors run without a claimer
 * (unit tests), go straight through.
 */

import type { ExecutionContext } from "./executor";
import type { StepOutcome } from "./run-step";
import { errorData, serializeError } from "./serialize-error";

export async function withPoolSlot(
  context: ExecutionContext,
  stepKey: string,
  attempt: number,
  run: () => Promise<StepOutcome>,
): Promise<StepOutcome> {
  const pool = context.job.nodes.find((node) => node.name === stepKey)?.op.pool ?? null;
  const slots = context.poolSlots;
  if (pool === null || !slots) return run();
  let acquired: boolean;
  try {
    acquired = await slots.acquire(stepKey, pool, context.signal);
  } catch (error) {
    return failBeforeStart(context, stepKey, attempt, serializeError(error));
  }
  if (!acquired) {
    const message = `the run was terminated while the step waited for a slot of pool "${pool}"`;
    return failBeforeStart(context, stepKey, attempt, { name: "StepTerminated", message });
  }
  try {
    return await run();
  } finally {
    await slots.release(stepKey);
  }
}

function failBeforeStart(
  context: ExecutionContext,
  stepKey: string,
  attempt: number,
  error: ReturnType<typeof serializeError>,
): StepOutcome {
  context.emit({
    type: "STEP_FAILURE",
    stepKey,
    message: `Step "${stepKey}" did not start: ${error.message}`,
    data: { ...errorData(error), attempt },
  });
  return { ok: false, error, retry: { retry: false } };
}
