/**
 * Delivers a run attempt's events to the control plane: one batch in flight at a time, retried
 * with backoff forever while the process lives, acknowledgements recorded as they come. Dagster's
 * run worker writes its event log straight to storage; here the log is remote, so this is the
 * part that makes "nothing is lost" true. Clock, sleep and randomness are injected for tests.
 *
 * One exception to "one in flight": the event that ends the run does not wait for the batch ahead
 * of it. A short run ends while its first batch (RUN_START) is still on the wire, and waiting for
 * that acknowledgement before posting the end was the largest part of the time between a run's end
 * and its status being SUCCESS. So the end goes at once, in a second request that carries every
 * unacknowledged event, the in-flight ones included. The control plane stores events idempotently
 * by seq and applies status changes only from an allowed predecessor, so either order of arrival
 * leaves the same log and status; the in-flight request may then be refused because the run has
 * ended, which the second request's acknowledgement already covers.
 */
import type { RunWorkerEvent } from "../../protocol";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./backoff";
import { DEFAULT_LINGER_MS, decideSend, isFinalEvent, MAX_BATCH_SIZE } from "./batching";
import type { DeliveryResult, PostBatch } from "./post-batch";

export interface SenderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const systemClock: SenderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface SenderOptions {
  readonly post: PostBatch;
  readonly clock?: SenderClock;
  /** Every seq up to here is already delivered (from the spool's acked marker). */
  readonly ackedThrough?: number;
  /** Called when delivery advances, with the new high-water mark; the spool persists it. */
  readonly onDelivered?: (seq: number) => void;
  readonly log?: (message: string) => void;
  readonly lingerMs?: number;
  readonly maxBatch?: number;
  readonly backoff?: BackoffPolicy;
}

export class EventSender {
  private readonly pending: { event: RunWorkerEvent; queuedAt: number }[] = [];
  private readonly clock: SenderClock;
  private deliveredThrough: number;
  private wake: (() => void) | null = null;
  /** Whether the run's end event has been queued, and who waits for it while a batch is in flight. */
  private endQueued = false;
  private onEndQueued: (() => void) | null = null;
  private drained: (() => void)[] = [];
  private stopped = false;
  private readonly stopSignal: Promise<void>;
  private signalStop: () => void = () => {};
  private loop: Promise<void> | null = null;

  constructor(private readonly options: SenderOptions) {
    this.clock = options.clock ?? systemClock;
    this.deliveredThrough = options.ackedThrough ?? 0;
    this.stopSignal = new Promise((resolve) => {
      this.signalStop = resolve;
    });
  }

  /** Queues an event already written to the spool; events must arrive in seq order. */
  enqueue(event: RunWorkerEvent): void {
    if (event.seq <= this.deliveredThrough) return;
    this.pending.push({ event, queuedAt: this.clock.now() });
    if (isFinalEvent(event)) {
      this.endQueued = true;
      this.onEndQueued?.();
    }
    this.loop ??= this.run();
    this.wake?.();
  }

  get acked(): number {
    return this.deliveredThrough;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Resolves true once every queued event is delivered, false when `timeoutMs` passes first. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.pending.length === 0) return true;
    const drained = new Promise<boolean>((resolve) => this.drained.push(() => resolve(true)));
    if (!Number.isFinite(timeoutMs)) return drained;
    const timedOut = this.clock.sleep(timeoutMs).then(() => false);
    return Promise.race([drained, timedOut]);
  }

  /** Stops after the request in flight, if any; undelivered events stay in the spool. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let retry = 0;
    while (!this.stopped) {
      const decision = decideSend({ pending: this.pending }, this.clock.now(), {
        lingerMs: this.options.lingerMs ?? DEFAULT_LINGER_MS,
        maxBatch: this.options.maxBatch ?? MAX_BATCH_SIZE,
      });
      if (decision.kind !== "send") {
        await this.waitForWake(decision.kind === "wait" ? decision.ms : null);
        continue;
      }
      const batch = this.pending.slice(0, this.options.maxBatch ?? MAX_BATCH_SIZE).map((p) => p.event);
      const result = await this.deliver(batch);
      const last = batch[batch.length - 1]?.seq ?? this.deliveredThrough;
      if (result.kind === "acked" && result.ackedThrough > this.deliveredThrough) {
        retry = 0;
        const newest = this.pending[this.pending.length - 1]?.event.seq ?? last;
        this.markDelivered(Math.min(result.ackedThrough, newest));
      } else if (result.kind === "rejected") {
        retry = 0;
        this.options.log?.(
          `flightdeck: the control plane refused events ${batch[0]?.seq}..${last} for good; dropping them: ${result.reason}`,
        );
        this.markDelivered(last);
      } else {
        // A transient failure, or an ack that did not move: back off, then post again from the ack.
        retry++;
        const reason = result.kind === "retry" ? result.reason : `acked_through stayed at ${result.ackedThrough}`;
        const delay = backoffDelay(retry, this.clock.random(), this.options.backoff ?? DEFAULT_BACKOFF);
        this.options.log?.(`flightdeck: event delivery failed (${reason}); retry ${retry} in ${delay} ms`);
        await Promise.race([this.clock.sleep(delay), this.stopSignal]);
      }
    }
  }

  /**
   * Posts `batch`; when the run's end event is queued behind it while it is in flight, posts every
   * pending event at once beside it (see the file's docblock) and answers with whichever request
   * acknowledged more — the second, unless it failed.
   */
  private async deliver(batch: RunWorkerEvent[]): Promise<DeliveryResult> {
    const maxBatch = this.options.maxBatch ?? MAX_BATCH_SIZE;
    const inFlight = this.options.post(batch);
    if (batch.some(isFinalEvent)) return inFlight;
    const endQueued = new Promise<null>((resolve) => {
      this.onEndQueued = () => resolve(null);
      if (this.endQueued) resolve(null);
    });
    const first = await Promise.race([inFlight, endQueued]).finally(() => {
      this.onEndQueued = null;
    });
    if (first !== null) return first;
    const everything = this.pending.slice(0, maxBatch).map((p) => p.event);
    if (!everything.some(isFinalEvent)) return inFlight;
    const [ahead, withEnd] = await Promise.all([inFlight, this.options.post(everything)]);
    return withEnd.kind === "acked" ? withEnd : ahead;
  }

  private markDelivered(seq: number): void {
    if (seq < this.deliveredThrough) return;
    this.deliveredThrough = seq;
    while (this.pending[0] && this.pending[0].event.seq <= seq) this.pending.shift();
    this.options.onDelivered?.(seq);
    if (this.pending.length === 0) {
      for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  private async waitForWake(ms: number | null): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    await (ms === null ? woken : Promise.race([woken, this.clock.sleep(ms)]));
    this.wake = null;
  }
}
