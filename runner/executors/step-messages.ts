/**
 * What the multiprocess executor and a step process say to each other over Node's IPC channel.
 * The step process reports events (the run worker numbers and sends them, so seq stays gap-free
 * and one spool holds the run) and, last, how the attempt ended. Internal to the runner: not a
 * wire contract with the control plane, so no zod.
 */
import type { LaunchRequest, SerializedError } from "../../protocol";
import type { NewEvent } from "../events/event-log";
import type { RetryDecision } from "./retry-policy";

export const STEP_FLAG = "--step";

/** Parent → child: run this attempt of this step. */
export interface RunStepMessage {
  readonly type: "run";
  /** The launch request without its run token: a step process never talks to the control plane. */
  readonly launch: Omit<LaunchRequest, "run_token" | "events_url">;
  readonly stepKey: string;
  readonly attempt: number;
  readonly storageDir: string;
}

/** Child → parent. */
export type StepProcessMessage =
  | { readonly type: "ready" }
  | { readonly type: "event"; readonly event: NewEvent }
  | { readonly type: "done"; readonly ok: true }
  | { readonly type: "done"; readonly ok: false; readonly error: SerializedError; readonly retry: RetryDecision };
