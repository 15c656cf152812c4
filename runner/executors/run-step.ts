/**
 * Executes one attempt of one step in the current process: Dagster's `execute_step` core. Resolves
 * the node's config, calls the op with its inputs and an OpContext, stores its outputs through
 * the IO manager, and reports STEP_START (or STEP_RESTARTED for a retry), LOG, STEP_OUTPUT and
 * STEP_SUCCESS — or, when it fails, STEP_UP_FOR_RETRY if the retry policy (or a RetryRequested the
 * op threw) says so, else STEP_FAILURE. Shared by every executor and by the step process.
 */
import {
  type ErrorSource,
  formatDuration,
  type JsonValue,
  type LogLevel,
  type SerializedError,
  type StepOutputData,
} from "../../protocol";
import type { EmitEvent } from "../events/event-log";
import { pickNodeConfig, resolveOpConfig } from "../sdk/config";
import type { OpContext } from "../sdk/context";
import type { JobNode } from "../sdk/job";
import type { ExecutionContext } from "./executor";
import { withPoolSlot } from "./pool-slot-step";
import { decideRetry, type FailureKind, type RetryDecision } from "./retry-policy";
import { errorData, serializeError } from "./serialize-error";

/** How long a terminated step may take to stop before it is reported failed anyway. */
export const STOP_GRACE_MS = 2000;
/** Output values larger than this (as JSON) are reported by name only. */
export const MAX_OUTPUT_VALUE_BYTES = 16 * 1024;

export type StepOutcome =
  | { ok: true; outputs: Map<string, unknown> }
  | { ok: false; error: SerializedError; retry: RetryDecision };

type ComputeOutcome =
  | { ok: true; outputs: Map<string, unknown> }
  | { ok: false; error: SerializedError; kind: FailureKind };

export async function runStep(
  context: ExecutionContext,
  node: JobNode,
  inputs: Record<string, unknown>,
  attempt = 1,
  now: () => number = Date.now,
): Promise<StepOutcome> {
  const { emit } = context;
  const stepKey = node.name;
  const started = now();
  if (attempt === 1) emit({ type: "STEP_START", stepKey, message: `Started execution of step "${stepKey}".` });
  else {
    emit({
      type: "STEP_RESTARTED",
      stepKey,
      message: `Started re-execution (attempt ${attempt}) of step "${stepKey}".`,
      data: { attempt },
    });
  }
  let outcome = await computeStep(context, node, inputs, attempt);
  if (outcome.ok && context.io) {
    try {
      for (const [output, value] of outcome.outputs) {
        await context.io.handleOutput({ runId: context.launch.run_id, stepKey, output }, value);
      }
    } catch (error) {
      outcome = { ok: false, error: serializeError(error), kind: { kind: "error" } };
    }
  }
  if (!outcome.ok) {
    // A terminated run retries nothing.
    const policy = node.op.retryPolicy ?? context.job.retryPolicy;
    const retry = context.signal.aborted
      ? { retry: false as const }
      : decideRetry(policy, outcome.kind, attempt, context.random);
    if (retry.retry) {
      emit({
        type: "STEP_UP_FOR_RETRY",
        stepKey,
        level: "WARNING",
        message: `Execution of step "${stepKey}" failed and will be retried in ${formatDuration(retry.delayMs)} (retry ${retry.retryNumber}): ${outcome.error.message}`,
        data: { ...errorData(outcome.error), attempt, retry_number: retry.retryNumber, delay_ms: retry.delayMs },
      });
    } else if (context.signal.aborted) {
      emit(
        interruptedStep(stepKey, outcome.error, attempt, `Step "${stepKey}" was interrupted: the run was terminated.`),
      );
    } else {
      emit({
        type: "STEP_FAILURE",
        stepKey,
        message: `Execution of step "${stepKey}" failed: ${outcome.error.message}`,
        data: { ...errorData(outcome.error), attempt },
      });
    }
    return { ok: false, error: outcome.error, retry };
  }
  for (const [output, value] of outcome.outputs) emitOutput(emit, stepKey, output, value);
  const durationMs = now() - started;
  emit({
    type: "STEP_SUCCESS",
    stepKey,
    message: `Finished execution of step "${stepKey}" in ${formatDuration(durationMs)}.`,
    data: { duration_ms: durationMs, attempt },
  });
  return outcome;
}

/** Attempts until success, a failure not retried, or termination; waits each retry's delay. Each attempt runs in its op's pool slot. */
export async function runStepWithRetries(
  context: ExecutionContext,
  stepKey: string,
  attemptOnce: (attempt: number) => Promise<StepOutcome>,
): Promise<StepOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await withPoolSlot(context, stepKey, attempt, () => attemptOnce(attempt));
    if (outcome.ok || !outcome.retry.retry) return outcome;
    if (!(await sleepUnlessAborted(outcome.retry.delayMs, context.signal))) {
      const message = `Step "${stepKey}" was waiting to retry when the run was terminated.`;
      context.emit(interruptedStep(stepKey, outcome.error, attempt, message));
      return { ok: false, error: outcome.error, retry: { retry: false } };
    }
  }
}

/**
 * The STEP_FAILURE of a step stopped by termination. Dagster reports it the same way: a step
 * failure whose `error_source` is INTERRUPT (execute_plan.py, DagsterExecutionInterruptedError),
 * so a terminated run's steps read as canceled rather than as the op's own failure.
 */
export function interruptedStep(stepKey: string, error: SerializedError, attempt: number, message: string) {
  return {
    type: "STEP_FAILURE" as const,
    stepKey,
    level: "WARNING" as const,
    message,
    data: { ...errorData(error), attempt, error_source: "INTERRUPT" satisfies ErrorSource },
  };
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** RetryRequested / Failure are recognized by name, so they survive bundling and process boundaries. */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof Error)) return { kind: "error" };
  if (error.name === "Failure") return { kind: "failure" };
  if (error.name === "RetryRequested") {
    const { maxRetries, secondsToWait } = error as Error & { maxRetries?: unknown; secondsToWait?: unknown };
    return {
      kind: "retry_requested",
      maxRetries: typeof maxRetries === "number" ? maxRetries : 1,
      secondsToWait: typeof secondsToWait === "number" ? secondsToWait : null,
    };
  }
  return { kind: "error" };
}

async function computeStep(
  context: ExecutionContext,
  node: JobNode,
  inputs: Record<string, unknown>,
  attempt: number,
): Promise<ComputeOutcome> {
  const { op } = node;
  const config = resolveOpConfig(op.config, pickNodeConfig(context.launch.run_config, node.name));
  if (!config.ok) {
    const message = `invalid config for node "${node.name}" (op "${op.name}"): ${config.message}`;
    return { ok: false, error: { name: "ConfigError", message }, kind: { kind: "failure" } };
  }
  const opContext = buildOpContext(context, node.name, config.value, attempt);
  let returned: unknown;
  try {
    returned = await untilSettledOrStopped(
      Promise.resolve().then(() => op.compute(opContext, inputs)),
      context.signal,
    );
  } catch (error) {
    return { ok: false, error: serializeError(error), kind: classifyFailure(error) };
  }
  if (!op.multipleOutputs) return { ok: true, outputs: new Map([[op.outputs[0]?.name ?? "result", returned]]) };
  const outputs = new Map<string, unknown>();
  for (const output of op.outputs) {
    if (typeof returned !== "object" || returned === null || !(output.name in returned)) {
      const message = `op "${op.name}" declares output "${output.name}" but returned no value for it`;
      return { ok: false, error: { name: "MissingOutputError", message }, kind: { kind: "failure" } };
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

function buildOpContext(context: ExecutionContext, stepKey: string, config: unknown, attempt: number): OpContext {
  const log = (level: LogLevel) => (message: string) => {
    const text = String(message);
    context.emit({ type: "LOG", stepKey, level, message: text });
    process.stderr.write(formatLogLine(new Date(), level, context.job.name, context.launch.run_id, stepKey, text));
  };
  return {
    config,
    runId: context.launch.run_id,
    attempt: context.launch.attempt,
    retryNumber: attempt - 1,
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

/**
 * A `ctx.log` line as it goes to the step's stderr. Dagster's console logger writes every
 * `context.log` call to stderr too (so compute logs show it beside the op's own prints), formatted
 * as "asctime - dagster - LEVEL - job - run_id - step - message" (dagster/_utils/log.py,
 * default_format_string and DagsterLogHandler); Flightdeck keeps that shape with its own name.
 * In-process the write is captured into the step's stderr.log; in a step process the parent
 * captures the process's stderr.
 */
export function formatLogLine(at: Date, level: LogLevel, job: string, runId: string, stepKey: string, message: string) {
  return `${at.toISOString()} - flightdeck - ${level} - ${job} - ${runId} - ${stepKey} - ${message}\n`;
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
