import { describe, expect, it, vi } from "vitest";
import type { RunWorkerEvent } from "../../protocol";
import type { DeliveryResult } from "./post-batch";
import { EventSender, type SenderClock } from "./sender";

const event = (seq: number, type: RunWorkerEvent["type"] = "LOG"): RunWorkerEvent => ({ seq, type, ts: seq });

/** Time moves only when the sender sleeps; every sleep is recorded. */
function fakeClock(): SenderClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A control plane that answers from a script, then acknowledges every batch in full. */
function scriptedPost(script: DeliveryResult[] = []) {
  const batches: number[][] = [];
  const post = async (events: readonly RunWorkerEvent[]): Promise<DeliveryResult> => {
    batches.push(events.map((e) => e.seq));
    return script.shift() ?? { kind: "acked", ackedThrough: events.at(-1)?.seq ?? 0 };
  };
  return { post, batches };
}

describe("EventSender", () => {
  it("sends events that arrive together in one request, and batches what arrives while one is in flight", async () => {
    const clock = fakeClock();
    let release: () => void = () => {};
    const batches: number[][] = [];
    const sender = new EventSender({
      clock,
      post: async (events) => {
        batches.push(events.map((e) => e.seq));
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return { kind: "acked", ackedThrough: events.at(-1)?.seq ?? 0 };
      },
    });
    sender.enqueue(event(1));
    sender.enqueue(event(2));
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    for (const seq of [3, 4]) sender.enqueue(event(seq));
    release();
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(sender.acked).toBe(4);
  });

  it("retries a failing delivery with doubling backoff, then goes on", async () => {
    const clock = fakeClock();
    const { post, batches } = scriptedPost([
      { kind: "retry", reason: "HTTP 503" },
      { kind: "retry", reason: "network error" },
      { kind: "retry", reason: "HTTP 429" },
    ]);
    const sender = new EventSender({ clock, post });
    sender.enqueue(event(1, "RUN_SUCCESS"));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([[1], [1], [1], [1]]);
    expect(clock.sleeps).toEqual([25, 50, 100]);
  });

  it("posts again from the acknowledged seq after a partial acknowledgement", async () => {
    const { post, batches } = scriptedPost([
      { kind: "acked", ackedThrough: 1 },
      { kind: "acked", ackedThrough: 2 },
    ]);
    const delivered: number[] = [];
    const sender = new EventSender({
      clock: fakeClock(),
      post,
      onDelivered: (seq) => delivered.push(seq),
      lingerMs: 0,
    });
    for (const seq of [1, 2, 3, 4]) sender.enqueue(event(seq));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([[1], [2, 3, 4], [3, 4]]);
    expect(delivered).toEqual([1, 2, 4]);
  });

  it("drops a batch the control plane refuses for good, says so, and goes on", async () => {
    const logs: string[] = [];
    const { post, batches } = scriptedPost([{ kind: "rejected", reason: "HTTP 400: bad event" }]);
    const sender = new EventSender({ clock: fakeClock(), post, log: (m) => logs.push(m) });
    sender.enqueue(event(1));
    sender.enqueue(event(2));
    await sender.flush(Number.POSITIVE_INFINITY);
    sender.enqueue(event(3, "RUN_FAILURE"));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([[1, 2], [3]]);
    expect(sender.acked).toBe(3);
    expect(logs).toEqual([expect.stringMatching(/refused events 1\.\.2 for good; dropping them: HTTP 400/)]);
  });

  it("caps each batch at the batch size", async () => {
    const { post, batches } = scriptedPost();
    const sender = new EventSender({ clock: fakeClock(), post, maxBatch: 100 });
    for (let seq = 1; seq <= 250; seq++) sender.enqueue(event(seq));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches.map((b) => [b[0], b.at(-1)])).toEqual([
      [1, 100],
      [101, 200],
      [201, 250],
    ]);
  });

  it("does not send again what the spool says is already delivered", async () => {
    const { post, batches } = scriptedPost();
    const sender = new EventSender({ clock: fakeClock(), post, ackedThrough: 2 });
    for (const seq of [1, 2, 3]) sender.enqueue(event(seq));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([[3]]);
  });

  it("backs off when an acknowledgement does not move", async () => {
    const clock = fakeClock();
    const { post, batches } = scriptedPost([{ kind: "acked", ackedThrough: 0 }]);
    const sender = new EventSender({ clock, post });
    sender.enqueue(event(1));
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(batches).toEqual([[1], [1]]);
    // The first sleep is the linger before the first request; the second is the backoff.
    expect(clock.sleeps).toEqual([5, 25]);
  });

  describe("the run's end event, queued while a batch is in flight", () => {
    /** A control plane whose first request waits for release(); the others answer from `answers` or ack in full. */
    function heldFirstPost(answers: { first?: DeliveryResult; others?: DeliveryResult[] } = {}) {
      let release: () => void = () => {};
      const batches: number[][] = [];
      const post = async (events: readonly RunWorkerEvent[]): Promise<DeliveryResult> => {
        batches.push(events.map((e) => e.seq));
        const full: DeliveryResult = { kind: "acked", ackedThrough: events.at(-1)?.seq ?? 0 };
        if (batches.length === 1) {
          await new Promise<void>((resolve) => (release = resolve));
          return answers.first ?? full;
        }
        return answers.others?.shift() ?? full;
      };
      return { post, batches, release: () => release() };
    }

    it("goes at once with every unacknowledged event, without waiting for the batch ahead", async () => {
      const control = heldFirstPost();
      const delivered: number[] = [];
      const sender = new EventSender({ clock: fakeClock(), post: control.post, onDelivered: (s) => delivered.push(s) });
      sender.enqueue(event(1, "RUN_START"));
      await vi.waitFor(() => expect(control.batches).toHaveLength(1));
      sender.enqueue(event(2, "STEP_SUCCESS"));
      sender.enqueue(event(3, "RUN_SUCCESS"));
      await vi.waitFor(() => expect(control.batches).toEqual([[1], [1, 2, 3]]));
      control.release();
      expect(await sender.flush(Number.POSITIVE_INFINITY)).toBe(true);
      expect(control.batches).toHaveLength(2);
      expect(sender.acked).toBe(3);
      expect(delivered).toEqual([3]);
    });

    /** RUN_START goes and is held; the end event (seq 2) is queued and goes too; then the first is answered and all is flushed. */
    async function endBehindHeldStart(
      answers: Parameters<typeof heldFirstPost>[0],
      end: "RUN_SUCCESS" | "RUN_FAILURE",
    ) {
      const logs: string[] = [];
      const control = heldFirstPost(answers);
      const sender = new EventSender({ clock: fakeClock(), post: control.post, log: (m) => logs.push(m) });
      sender.enqueue(event(1, "RUN_START"));
      await vi.waitFor(() => expect(control.batches).toHaveLength(1));
      sender.enqueue(event(2, end));
      await vi.waitFor(() => expect(control.batches).toHaveLength(2));
      control.release();
      await sender.flush(Number.POSITIVE_INFINITY);
      return { batches: control.batches, acked: sender.acked, logs };
    }

    it("takes the end request's acknowledgement when the batch ahead is refused because the run has ended", async () => {
      const first: DeliveryResult = { kind: "rejected", reason: "HTTP 409: the run has ended" };
      const { acked, logs } = await endBehindHeldStart({ first }, "RUN_FAILURE");
      expect(acked).toBe(2);
      expect(logs).toEqual([]);
    });

    it("falls back to the batch ahead's acknowledgement when the end request fails, and posts the end again", async () => {
      const others: DeliveryResult[] = [{ kind: "retry", reason: "network error" }];
      const { batches, acked } = await endBehindHeldStart({ others }, "RUN_SUCCESS");
      expect(batches).toEqual([[1], [1, 2], [2]]);
      expect(acked).toBe(2);
    });
  });
});
