/**
 * The run worker: Dagster's run worker process (`dagster api execute_run`). One process per run
 * attempt, started by the code location server. It reads its launch request from a file, reports
 * RUN_START, runs the job with its executor, reports how the run ended, and waits (bounded) until
 * the control plane has every event. SIGTERM terminates the run: the op's signal is aborted, no
 * new step starts, the run ends RUN_CANCELED. A SIGTERM that comes after the run ended, while the
 * worker waits for acknowledgements, cuts that wait to CANCELED_FLUSH_MS: whoever sends it (the
 * server stopping, an operator) wants the process gone, and the events are safe in the spool.
 *
 * The run worker does not watch its code location server. A run whose server dies (a crash, an
 * OOM kill, a redeploy that SIGKILLs it) keeps running to its end: its events and heartbeats go
 * straight to the control plane, so the user's work is not thrown away and the run still ends with
 * its real outcome, as in Dagster, where the run worker is a process of its own and keeps reporting
 * to the instance after the code server goes. What the worker could not deliver stays in its spool
 * for the next server on this data dir. It then exits like any run worker, so it never outlives its
 * run by more than the flush timeout. (A server stopped by SIGTERM/SIGINT is different: it
 * terminates its runs first, see server.ts.) Standby workers, which hold no run, exit when the
 * server goes: see server/standby.ts.
 *
 * Exit codes: 0 success, 1 failure (or an unreadable launch request), 143 canceled (128 + SIGTERM).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type LaunchRequest, LaunchRequestSchema, type RunFailureReason } from "../protocol";
import { type NewEvent, RunEventLog } from "./events/event-log";
import { createBatchPoster } from "./events/post-batch";
import { EventSender } from "./events/sender";
import { Spool } from "./events/spool";
import { selectExecutor } from "./executors";
import { ComputeLogUploader } from "./executors/compute-log-uploader";
import { executionResources } from "./executors/execution-resources";
import { PoolSlotClient } from "./executors/pool-slot-client";
import { errorData, serializeError } from "./executors/serialize-error";
import { EXIT_FILE } from "./run-files";
import { readWorkerSettings, type WorkerSettings } from "./run-worker-settings";
import { codeLocationOf, findJob } from "./sdk/code-location";

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CANCELED = 143;

/** How long a canceled run worker waits for its last events; the server kills it after its grace. */
const CANCELED_FLUSH_MS = 5000;
/** How long a finished run worker keeps trying to upload the last compute logs (they stay on disk). */
const COMPUTE_LOG_FLUSH_MS = 5000;

/** The event that ends the run, emitted only once the compute logs are up. */
type EndEvent = NewEvent & { type: "RUN_SUCCESS" | "RUN_FAILURE" | "RUN_CANCELED" };

export async function runWorker(loadModule: () => Promise<unknown>, launchFile: string): Promise<number> {
  const launch = readLaunch(launchFile);
  if (!launch) return EXIT_FAILURE;
  const settings = readWorkerSettings(process.env);
  const dir = dirname(launchFile);
  const spool = Spool.open(dir);
  const previous = spool.read();
  const sender = new EventSender({
    post: createBatchPoster({ url: launch.events_url, token: launch.run_token }),
    ackedThrough: previous.ackedThrough,
    onDelivered: (seq) => spool.markAcked(seq),
    log: (message) => console.error(message),
  });
  for (const event of previous.events) sender.enqueue(event);
  const log = new RunEventLog(spool, sender, Date.now, previous.events.at(-1)?.seq ?? 0);

  const termination = new AbortController();
  let runEnded = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (termination.signal.aborted) return;
    // After the run's end event nothing is left to terminate; the signal only shortens the flush.
    if (!runEnded) log.emit({ type: "ENGINE_EVENT", message: `Received ${signal}: terminating the run.` });
    termination.abort(new Error(`the run was terminated (${signal})`));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const heartbeat = setInterval(() => log.emit({ type: "HEARTBEAT" }), settings.heartbeatSeconds * 1000);

  const computeLogs = new ComputeLogUploader({ runDir: dir, eventsUrl: launch.events_url, token: launch.run_token });
  computeLogs.start();
  const { code, end } = await executeRun(loadModule, launch, log, termination.signal, settings, dir);
  runEnded = true;
  clearInterval(heartbeat);
  // The compute logs go up before the event that ends the run: the control plane refuses every
  // write with the run token of an ended run, uploads included.
  await computeLogs.stop(Math.min(COMPUTE_LOG_FLUSH_MS, settings.flushTimeoutMs));
  log.emit(end);
  const flushMs =
    code === EXIT_CANCELED ? Math.min(CANCELED_FLUSH_MS, settings.flushTimeoutMs) : settings.flushTimeoutMs;
  if (!(await flushUntilTerminated(sender, flushMs, termination.signal))) {
    console.error(
      `flightdeck: ${sender.pendingCount} events not yet acknowledged when the run worker stopped waiting; ` +
        "they stay in the spool and the code location server will deliver them",
    );
  }
  writeFileSync(join(dir, EXIT_FILE), JSON.stringify({ exit_code: code, last_seq: log.seq }));
  return code;
}

async function executeRun(
  loadModule: () => Promise<unknown>,
  launch: LaunchRequest,
  log: RunEventLog,
  signal: AbortSignal,
  settings: WorkerSettings,
  runDir: string,
): Promise<{ code: number; end: EndEvent }> {
  log.emit({
    type: "RUN_START",
    message: `Started process for run (pid: ${process.pid}).`,
    data: { pid: process.pid, heartbeat_seconds: settings.heartbeatSeconds },
  });
  // Dagster's RunFailureReason: JOB_INITIALIZATION_FAILURE until the executor starts, RUN_EXCEPTION after.
  let failureReason: RunFailureReason = "JOB_INITIALIZATION_FAILURE";
  try {
    const location = codeLocationOf(await loadModule());
    const job = findJob(location, launch.job);
    if (!job) throw new Error(`job "${launch.job}" is not in this code location`);
    const executor = selectExecutor(job.executor);
    const resources = await executionResources(job, launch, runDir);
    const poolSlots = new PoolSlotClient({ eventsUrl: launch.events_url, token: launch.run_token, emit: log.emit });
    failureReason = "RUN_EXCEPTION";
    const result = await executor
      .execute({ job, launch, emit: log.emit, signal, poolSlots, ...resources })
      .finally(() => poolSlots.close());
    if (signal.aborted) {
      return { code: EXIT_CANCELED, end: { type: "RUN_CANCELED", message: `Run of "${job.name}" was canceled.` } };
    }
    if (result.failed.length === 0) {
      return {
        code: EXIT_SUCCESS,
        end: { type: "RUN_SUCCESS", message: `Finished execution of run for "${job.name}".` },
      };
    }
    const message = `Execution of run for "${job.name}" failed. Steps failed: ${result.failed.join(", ")}.`;
    const data = { ...errorData({ name: "RunFailure", message }), failure_reason: "STEP_FAILURE" };
    return { code: EXIT_FAILURE, end: { type: "RUN_FAILURE", message, data } };
  } catch (error) {
    const serialized = serializeError(error);
    const data = { ...errorData(serialized), failure_reason: failureReason };
    return { code: EXIT_FAILURE, end: { type: "RUN_FAILURE", message: `Run failed: ${serialized.message}`, data } };
  }
}

/** `sender.flush(ms)`, but a termination signal that arrives while waiting leaves at most CANCELED_FLUSH_MS. */
async function flushUntilTerminated(sender: EventSender, ms: number, termination: AbortSignal): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<boolean>((resolve) => {
    const onAbort = () => {
      timer = setTimeout(() => resolve(false), CANCELED_FLUSH_MS);
    };
    if (termination.aborted) onAbort();
    else termination.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([sender.flush(ms), cut]);
  } finally {
    clearTimeout(timer);
  }
}

function readLaunch(file: string): LaunchRequest | null {
  try {
    const parsed = LaunchRequestSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) return parsed.data;
    console.error(`flightdeck: the launch request in ${file} is invalid: ${parsed.error.message}`);
  } catch (error) {
    console.error(`flightdeck: cannot read the launch request ${file}: ${String(error)}`);
  }
  return null;
}
