/**
 * The multiprocess executor: Dagster's `multiprocess_executor`. Every step attempt runs in its own
 * child process (step-process.ts); up to `max_concurrent` at once (default: the number of CPUs; 0
 * means the same) and within the executor's `tag_concurrency_limits` on op tags (step-scheduler.ts,
 * the run queue's counting). Steps start in dependency order as their upstream steps succeed; a
 * step whose upstream did not succeed is skipped. Outputs travel through the IO manager's files.
 * A retried step gets a new process per attempt. Each step's stdout and stderr are captured under
 * `<run dir>/compute-logs/<step>/`.
 *
 * Termination: no new step starts, running step processes get SIGTERM (their op's signal aborts),
 * and any still alive after the step grace plus a margin get SIGKILL; the executor returns only
 * when every step process has exited, so none outlives the run worker.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { StepSkippedData } from "../../protocol";
import type { MultiprocessOptions } from "../sdk/executor-config";
import type { JobNode } from "../sdk/job";
import { COMPUTE_LOGS_DIR } from "./compute-log-uploader";
import type { ExecutionContext, ExecutionResult, Executor, StepStatus } from "./executor";
import { interruptedStep, runStepWithRetries, STOP_GRACE_MS, type StepOutcome } from "./run-step";
import { serializeError } from "./serialize-error";
import type { RunStepMessage, StepProcessMessage } from "./step-messages";
import { planSteps, skipReason } from "./step-plan";
import { StepProcessPool } from "./step-process-pool";
import { resolveMaxConcurrent, type StepLimits, selectStepsToStart } from "./step-scheduler";

/** After SIGTERM, how long step processes get before SIGKILL: the op's stop grace plus reporting. */
export const STEP_KILL_AFTER_MS = STOP_GRACE_MS + 1500;

export const multiprocessExecutor: Executor = {
  kind: "multiprocess",
  async execute(context: ExecutionContext): Promise<ExecutionResult> {
    const { job, stepProcess } = context;
    if (!stepProcess || !context.io) {
      throw new Error(
        "the multiprocess executor needs a step process command and an IO manager (run it in a run worker)",
      );
    }
    const config: MultiprocessOptions = job.executorConfig.kind === "multiprocess" ? job.executorConfig : {};
    const limits: StepLimits = {
      maxConcurrent: resolveMaxConcurrent(config.maxConcurrent, availableParallelism()),
      tagConcurrencyLimits: config.tagConcurrencyLimits ?? [],
    };
    const plan = planSteps(job, context.launch);
    const pool = new StepProcessPool(stepProcess, limits.maxConcurrent);
    const steps = new Map<string, StepStatus>();
    const failed: string[] = [];
    const pending = [...plan.nodes];
    const running = new Map<string, { node: JobNode; done: Promise<void> }>();
    const isDone = (key: string) => plan.reused.has(key) || steps.get(key) === "success";
    const isSettled = (key: string) => plan.reused.has(key) || steps.has(key);

    const onAbort = () => {
      pool.signalAll("SIGTERM");
      setTimeout(() => pool.signalAll("SIGKILL"), STEP_KILL_AFTER_MS).unref();
    };
    context.signal.addEventListener("abort", onAbort, { once: true });
    try {
      pool.fill(pending.length);
      while (pending.length > 0 || running.size > 0) {
        // Skip what can no longer run; collect what can start now.
        const ready: JobNode[] = [];
        for (const node of [...pending]) {
          if (!context.signal.aborted && !node.upstream.every(isSettled)) continue;
          const reason = skipReason(node, isDone, context.signal);
          if (reason === null) {
            ready.push(node);
            continue;
          }
          pending.splice(pending.indexOf(node), 1);
          steps.set(node.name, "skipped");
          context.emit({
            type: "STEP_SKIPPED",
            stepKey: node.name,
            message: `Skipped step "${node.name}": ${reason}.`,
            data: { reason } satisfies StepSkippedData,
          });
        }
        const toStart = selectStepsToStart(
          limits,
          [...running.values()].map(({ node }) => ({ key: node.name, tags: node.op.tags })),
          ready.map((node) => ({ key: node.name, tags: node.op.tags })),
        );
        for (const { key } of toStart) {
          const node = ready.find((n) => n.name === key);
          if (!node) continue;
          pending.splice(pending.indexOf(node), 1);
          const done = runStepWithRetries(context, node.name, (attempt) =>
            runAttempt(context, pool, node, attempt),
          ).then((outcome) => {
            running.delete(node.name);
            steps.set(node.name, outcome.ok ? "success" : "failure");
            if (!outcome.ok) failed.push(node.name);
          });
          running.set(node.name, { node, done });
        }
        pool.fill(pending.length);
        if (running.size === 0) {
          if (pending.length === 0) break;
          // Nothing runs and nothing could start: only a tag limit of 0 does this. Skip the rest.
          if (toStart.length === 0 && ready.length > 0) {
            for (const node of pending.splice(0)) {
              const reason = "a tag concurrency limit of the executor never lets it start";
              steps.set(node.name, "skipped");
              context.emit({
                type: "STEP_SKIPPED",
                stepKey: node.name,
                message: `Skipped step "${node.name}": ${reason}.`,
                data: { reason },
              });
            }
          }
          continue;
        }
        await Promise.race([...running.values()].map((r) => r.done));
      }
    } finally {
      context.signal.removeEventListener("abort", onAbort);
      pool.close();
      await waitForExit(pool);
    }
    return { steps, failed };
  },
};

/** One attempt of one step in a step process. */
async function runAttempt(
  context: ExecutionContext,
  pool: StepProcessPool,
  node: JobNode,
  attempt: number,
): Promise<StepOutcome> {
  const stepProcess = pool.take();
  const { child } = stepProcess;
  captureComputeLogs(context, node.name, child);
  let result: StepProcessMessage | null = null;
  let emittedEnd = false;
  child.on("message", (message: StepProcessMessage) => {
    if (message.type === "event") {
      if (
        message.event.type === "STEP_FAILURE" ||
        message.event.type === "STEP_SUCCESS" ||
        message.event.type === "STEP_UP_FOR_RETRY"
      ) {
        emittedEnd = true;
      }
      context.emit(message.event);
    } else if (message.type === "done") result = message;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    // "close", not "exit": it comes after the IPC channel has delivered every message.
    else child.once("close", (code, signal) => resolve({ code, signal }));
  });
  if (await stepProcess.ready) {
    const { run_token: _token, events_url: _url, ...launch } = context.launch;
    const request: RunStepMessage = {
      type: "run",
      launch,
      stepKey: node.name,
      attempt,
      storageDir: storageDirOf(context),
    };
    try {
      child.send(request);
    } catch (error) {
      child.kill("SIGKILL");
      return crashed(context, node.name, attempt, `could not reach the step process: ${serializeError(error).message}`);
    }
  }
  const exit = await exited;
  const done = result as StepProcessMessage | null;
  if (done?.type === "done") {
    if (done.ok) return { ok: true, outputs: new Map() };
    return { ok: false, error: done.error, retry: done.retry };
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (emittedEnd) return { ok: false, error: { name: "StepProcessDied", message: how }, retry: { retry: false } };
  return crashed(context, node.name, attempt, `the step process ${how} before reporting`);
}

function crashed(context: ExecutionContext, stepKey: string, attempt: number, message: string): StepOutcome {
  const error = { name: "StepProcessDied", message };
  if (context.signal.aborted) {
    // Killed because the run was terminated: an interruption, not the step's failure.
    context.emit(
      interruptedStep(stepKey, error, attempt, `Step "${stepKey}" was interrupted: the run was terminated.`),
    );
    return { ok: false, error, retry: { retry: false } };
  }
  context.emit({
    type: "STEP_FAILURE",
    stepKey,
    message: `Execution of step "${stepKey}" failed: ${message}`,
    data: { error, attempt },
  });
  return { ok: false, error, retry: { retry: false } };
}

function captureComputeLogs(
  context: ExecutionContext,
  stepKey: string,
  child: import("node:child_process").ChildProcess,
): void {
  if (!context.runDir) {
    child.stdout?.resume();
    child.stderr?.resume();
    return;
  }
  const dir = join(context.runDir, COMPUTE_LOGS_DIR, encodeURIComponent(stepKey));
  mkdirSync(dir, { recursive: true });
  child.stdout?.pipe(createWriteStream(join(dir, "stdout.log"), { flags: "a" }));
  child.stderr?.pipe(createWriteStream(join(dir, "stderr.log"), { flags: "a" }));
}

function storageDirOf(context: ExecutionContext): string {
  const io = context.io as { storageDir?: unknown } | undefined;
  return typeof io?.storageDir === "string" ? io.storageDir : "";
}

async function waitForExit(pool: StepProcessPool): Promise<void> {
  const live = pool.live;
  if (live.length === 0) return;
  const timer = setTimeout(() => pool.signalAll("SIGKILL"), STEP_KILL_AFTER_MS);
  await Promise.all(
    live.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once("exit", () => resolve());
        }),
    ),
  );
  clearTimeout(timer);
}
