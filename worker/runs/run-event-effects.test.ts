import { describe, expect, it } from "vitest";
import type { RunWorkerEvent } from "../../protocol";
import { ackedThrough, statusChangesFor } from "./run-event-effects";

const ev = (seq: number, type: RunWorkerEvent["type"], ts = seq * 10): RunWorkerEvent => ({ seq, type, ts });

describe("statusChangesFor", () => {
  it.each<[string, RunWorkerEvent[], ReturnType<typeof statusChangesFor>]>([
    ["RUN_START starts the run at the event's time", [ev(1, "RUN_START", 111)], [{ to: "STARTED", startedAt: 111 }]],
    ["RUN_SUCCESS ends it in SUCCESS", [ev(9, "RUN_SUCCESS", 900)], [{ to: "SUCCESS", endedAt: 900 }]],
    ["RUN_FAILURE ends it in FAILURE", [ev(9, "RUN_FAILURE", 900)], [{ to: "FAILURE", endedAt: 900 }]],
    ["RUN_CANCELED ends it in CANCELED", [ev(9, "RUN_CANCELED", 900)], [{ to: "CANCELED", endedAt: 900 }]],
    ["step and log events change nothing", [ev(2, "STEP_START"), ev(3, "LOG"), ev(4, "HEARTBEAT")], []],
    [
      "a batch delivered out of order is applied in seq order",
      [ev(3, "RUN_SUCCESS", 30), ev(2, "STEP_SUCCESS"), ev(1, "RUN_START", 10)],
      [
        { to: "STARTED", startedAt: 10 },
        { to: "SUCCESS", endedAt: 30 },
      ],
    ],
  ])("%s", (_name, events, expected) => {
    expect(statusChangesFor(events)).toEqual(expected);
  });
});

describe("ackedThrough", () => {
  it("is the highest seq of the batch, wherever it sits", () => {
    expect(ackedThrough([ev(5, "LOG"), ev(7, "LOG"), ev(6, "LOG")])).toBe(7);
  });
});
