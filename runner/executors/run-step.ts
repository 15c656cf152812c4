/**
 * Executes one step in the current process: Dagster's `execute_step` core. Resolves the node's
 * config, calls the op with its inputs and an OpContext, and reports STEP_START, LOG,
 * STEP_OUTPUT and STEP_SUCCESS or STEP_FAILURE. Shared by every executor that runs a step.
 */
import type { JsonValue, LogLevel, SerializedError, StepOutputData } from "../../protocol";
import type { EmitEvent } from "../events/event-log";
import { pickNodeConfig, resolveOpConfig } from "../sdk/config";
import type { OpContext } from "../sdk/context";
import type { JobNode } from "../sdk/job";
import type { ExecutionContext } from "./executor";
import { errorData, serializeError } from "./serialize-error";

/** How long a terminated step may take to stop before it is reported failed anyway. */
export const STOP_GRACE_MS = 2000;
/** Output values larger than this (as JSON) are reported by name only. */
export const MAX_OUTPUT_VALUE_BYTES = 16 * 1024;

export type StepOutcome = { ok: true; outputs: Map<string, unknown> } | { ok: false; error: SerializedError };

export async function runStep(
  context: ExecutionContext,
  node: JobNode,
  inputs: Record<string, unknown>,
  now: () => number = Date.now,
): Promise<StepOutcome> {
  const { emit } = context;
  const stepKey = node.name;
  const started = now();
  emit({ type: "STEP_START", stepKey, message: `Started execution of step "${stepKey}".` });
  const outcome = await computeStep(context, node, inputs);
  if (!outcome.ok) {
    emit({
      type: "STEP_FAILURE",
      stepKey,
      message: `Execution of step "${stepKey}" failed: ${outcome.error.message}`,
      data: errorData(outcome.error),
    });
    return outcome;
  }
  for (const [output, value] of outcome.outputs) emitOutput(emit, stepKey, output, value);
  const durationMs = now() - started;
  emit({
    type: "STEP_SUCCESS",
    stepKey,
    message: `Finished execution of step "${stepKey}" in ${durationMs} ms.`,
    data: { duration_ms: durationMs },
  });
  return outcome;
}

async function computeStep(
  context: ExecutionContext,
  node: JobNode,
  inputs: Record<string, unknown>,
): Promise<StepOutcome> {
  const { op } = node;
  const config = resolveOpConfig(op.config, pickNodeConfig(context.launch.run_config, node.name));
  if (!config.ok) {
    const message = `invalid config for node "${node.name}" (op "${op.name}"): ${config.message}`;
    return { ok: false, error: { name: "ConfigError", message } };
  }
  const opContext = buildOpContext(context, node.name, config.value);
  let returned: unknown;
  try {
    returned = await untilSettledOrStopped(
      Promise.resolve().then(() => op.compute(opContext, inputs)),
      context.signal,
    );
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
  if (!op.multipleOutputs) return { ok: true, outputs: new Map([[op.outputs[0]?.name ?? "result", returned]]) };
  const outputs = new Map<string, unknown>();
  for (const output of op.outputs) {
    if (typeof returned !== "object" || returned === null || !(output.name in returned)) {
      const message = `op "${op.name}" declares output "${output.name}" but returned no value for it`;
      return { ok: false, error: { name: "MissingOutputError", message } };
    }
    outputs.set(output.name, (returned as Record<string, unknown>)[output.name]);
  }
  return { ok: true, outputs };
}

/** The op's result, unless the run is terminated and the op does not stop within STOP_GRACE_MS. */
function untilSettledOrStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => {
        const error = new Error(`the run was terminated and the op did not stop within ${STOP_GRACE_MS} ms`);
        error.name = "StepTerminated";
        reject(error);
      }, STOP_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}

function buildOpContext(context: ExecutionContext, stepKey: string, config: unknown): OpContext {
  const log = (level: LogLevel) => (message: string) =>
    context.emit({ type: "LOG", stepKey, level, message: String(message) });
  return {
    config,
    runId: context.launch.run_id,
    attempt: context.launch.attempt,
    jobName: context.job.name,
    stepKey,
    signal: context.signal,
    log: {
      debug: log("DEBUG"),
      info: log("INFO"),
      warning: log("WARNING"),
      error: log("ERROR"),
      critical: log("CRITICAL"),
    },
  };
}

function emitOutput(emit: EmitEvent, stepKey: string, output: string, value: unknown): void {
  const json = toSmallJson(value);
  emit({
    type: "STEP_OUTPUT",
    stepKey,
    message: `Yielded output "${output}"${json === undefined ? " (value not shown: not JSON or too large)" : ""}.`,
    data: (json === undefined ? { output } : { output, value: json }) satisfies StepOutputData,
  });
}

function toSmallJson(value: unknown): JsonValue | undefined {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value);
    if (text === undefined || text.length > MAX_OUTPUT_VALUE_BYTES) return undefined;
    return JSON.parse(text) as JsonValue;
  } catch {
    // Circular or BigInt values cannot be shown; the output still flows to downstream steps.
    return undefined;
  }
}
