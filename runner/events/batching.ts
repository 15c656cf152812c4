/**
 * When to post the next batch of events, and which events go in it. Pure: time is a parameter.
 * The latency budget drives it: events linger a few milliseconds so bursts travel together (a
 * short run's RUN_START ... RUN_SUCCESS is one request, not two round trips in a row), and a run's
 * last event goes without waiting.
 */
import type { RunWorkerEvent, RunWorkerEventType } from "../../protocol";

/** Keeps each request small and quick to store; the protocol allows up to MAX_EVENTS_PER_BATCH. */
export const MAX_BATCH_SIZE = 100;
export const DEFAULT_LINGER_MS = 5;

const FINAL_TYPES: ReadonlySet<RunWorkerEventType> = new Set(["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

export function isFinalEvent(event: Pick<RunWorkerEvent, "type">): boolean {
  return FINAL_TYPES.has(event.type);
}

export interface PendingState {
  /** Events waiting to be posted, oldest first. */
  readonly pending: readonly { event: RunWorkerEvent; queuedAt: number }[];
}

export type SendDecision = { kind: "idle" } | { kind: "send" } | { kind: "wait"; ms: number };

export function decideSend(
  state: PendingState,
  now: number,
  options: { lingerMs: number; maxBatch: number } = { lingerMs: DEFAULT_LINGER_MS, maxBatch: MAX_BATCH_SIZE },
): SendDecision {
  const oldest = state.pending[0];
  if (!oldest) return { kind: "idle" };
  if (state.pending.length >= options.maxBatch) return { kind: "send" };
  if (state.pending.some((p) => isFinalEvent(p.event))) return { kind: "send" };
  const waited = now - oldest.queuedAt;
  if (waited >= options.lingerMs) return { kind: "send" };
  return { kind: "wait", ms: options.lingerMs - waited };
}

/** The next batch: up to `maxBatch` events with seq above `ackedThrough`, in seq order. */
export function takeBatch(
  events: readonly RunWorkerEvent[],
  ackedThrough: number,
  maxBatch: number = MAX_BATCH_SIZE,
): RunWorkerEvent[] {
  return events.filter((event) => event.seq > ackedThrough).slice(0, maxBatch);
}
