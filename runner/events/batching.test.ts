import { describe, expect, it } from "vitest";
import type { RunWorkerEvent, RunWorkerEventType } from "../../protocol";
import { decideSend, type PendingState, takeBatch } from "./batching";

const event = (seq: number, type: RunWorkerEventType = "LOG"): RunWorkerEvent => ({ seq, type, ts: 0 });
const queued = (seq: number, queuedAt: number, type?: RunWorkerEventType) => ({ event: event(seq, type), queuedAt });
const options = { lingerMs: 5, maxBatch: 3 };

describe("decideSend", () => {
  const cases: { name: string; state: PendingState; now: number; expected: ReturnType<typeof decideSend> }[] = [
    {
      name: "is idle with nothing pending",
      state: { pending: [] },
      now: 10,
      expected: { kind: "idle" },
    },
    {
      name: "lingers on a run's first event too, so a short run's events travel in one request",
      state: { pending: [queued(1, 100)] },
      now: 100,
      expected: { kind: "wait", ms: 5 },
    },
    {
      name: "lingers for the rest of the linger time",
      state: { pending: [queued(2, 100)] },
      now: 102,
      expected: { kind: "wait", ms: 3 },
    },
    {
      name: "sends once the oldest event has lingered long enough",
      state: { pending: [queued(2, 100)] },
      now: 105,
      expected: { kind: "send" },
    },
    {
      name: "sends a full batch without lingering",
      state: { pending: [queued(2, 100), queued(3, 100), queued(4, 100)] },
      now: 100,
      expected: { kind: "send" },
    },
    {
      name: "sends at once when the run's final event is pending",
      state: { pending: [queued(2, 100), queued(3, 100, "RUN_SUCCESS")] },
      now: 100,
      expected: { kind: "send" },
    },
  ];
  for (const { name, state, now, expected } of cases) {
    it(name, () => {
      expect(decideSend(state, now, options)).toEqual(expected);
    });
  }
});

describe("takeBatch", () => {
  const events = [1, 2, 3, 4, 5].map((seq) => event(seq));
  it("starts after the acknowledged seq and stops at the batch size", () => {
    expect(takeBatch(events, 1, 3).map((e) => e.seq)).toEqual([2, 3, 4]);
  });
  it("is empty when everything is acknowledged", () => {
    expect(takeBatch(events, 5, 3)).toEqual([]);
  });
});
