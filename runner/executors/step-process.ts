/**
 * The child side of the multiprocess executor: Dagster's `dagster api execute_step`, one process
 * per step attempt. Started as `node <bundle> --step`, it loads the code location (while it waits
 * as a pre-forked spare), says "ready", takes one step over IPC, loads the step's inputs through
 * the IO manager, runs the attempt with run-step.ts (events go to the run worker over IPC), stores
 * its outputs, reports how it ended and exits. SIGTERM aborts the op's signal; losing the run worker
 * (the IPC channel closes) ends the process, so no step outlives its run.
 */
import type { LaunchRequest } from "../../protocol";
import type { EmitEvent } from "../events/event-log";
import { codeLocationOf, findJob } from "../sdk/code-location";
import { FsIoManager } from "./io-manager";
import { runStep } from "./run-step";
import { serializeError } from "./serialize-error";
import { installSourceMappedStacks } from "./stack-remap";
import type { RunStepMessage, StepProcessMessage } from "./step-messages";

export async function serveStep(
  loadModule: () => Promise<unknown>,
  /** Set when started from a startup snapshot: the bundle whose frames are to be source-mapped. */
  snapshotBundle?: string,
): Promise<number> {
  if (snapshotBundle) installSourceMappedStacks(snapshotBundle);
  const termination = new AbortController();
  process.on("SIGTERM", () => termination.abort(new Error("the run was terminated (SIGTERM)")));
  process.on("SIGINT", () => termination.abort(new Error("the run was terminated (SIGINT)")));
  process.on("disconnect", () => process.exit(1));
  const loaded = await loadModule().then(
    (module) => ({ ok: true as const, module }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const request = await new Promise<RunStepMessage>((resolve) => {
    process.once("message", (message) => resolve(message as RunStepMessage));
    send({ type: "ready" });
  });
  const emit: EmitEvent = (event) => {
    send({ type: "event", event });
    return { seq: 0, type: event.type, ts: Date.now() };
  };
  try {
    if (!loaded.ok) throw loaded.error;
    const job = findJob(codeLocationOf(loaded.module), request.launch.job);
    const node = job?.nodes.find((n) => n.name === request.stepKey);
    if (!job || !node)
      throw new Error(`step "${request.stepKey}" of job "${request.launch.job}" is not in this code location`);
    const launch = { ...request.launch, run_token: "", events_url: "http://127.0.0.1/" } satisfies LaunchRequest;
    const io = job.ioManager ?? new FsIoManager(request.storageDir);
    const inputs: Record<string, unknown> = {};
    for (const input of node.inputs) {
      inputs[input.name] = await io.loadInput({
        runId: launch.run_id,
        stepKey: input.from.node,
        output: input.from.output,
      });
    }
    const context = { job, launch, emit, signal: termination.signal, io };
    const outcome = await runStep(context, node, inputs, request.attempt);
    await sendAndWait(
      outcome.ok
        ? { type: "done", ok: true }
        : {
            type: "done",
            ok: false,
            error: outcome.error,
            retry: outcome.retry,
          },
    );
    return outcome.ok ? 0 : 1;
  } catch (error) {
    const serialized = serializeError(error);
    emit({
      type: "STEP_FAILURE",
      stepKey: request.stepKey,
      message: `Step "${request.stepKey}" could not run: ${serialized.message}`,
      data: { error: JSON.parse(JSON.stringify(serialized)) },
    });
    await sendAndWait({ type: "done", ok: false, error: serialized, retry: { retry: false } });
    return 1;
  }
}

function send(message: StepProcessMessage): void {
  process.send?.(message);
}

function sendAndWait(message: StepProcessMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}
