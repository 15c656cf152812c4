import { describe, expect, it } from "vitest";
import type { StoredEvent } from "./events";
import { deriveSteps } from "./step-summary";

let id = 0;
const ev = (
  type: StoredEvent["type"],
  ts: number,
  step_key: string | null = null,
  data: StoredEvent["data"] = null,
): StoredEvent => ({
  id: ++id,
  run_id: "r",
  attempt: 1,
  seq: id,
  type,
  ts,
  step_key,
  level: "INFO",
  message: null,
  data,
});

describe("a run's steps from its event log", () => {
  it("makes one bar per attempt, so a retry shows beside its failure", () => {
    const steps = deriveSteps(
      [
        ev("RUN_START", 0),
        ev("STEP_START", 10, "a"),
        ev("STEP_SUCCESS", 20, "a"),
        ev("STEP_START", 21, "b"),
        ev("STEP_UP_FOR_RETRY", 30, "b"),
        ev("STEP_RESTARTED", 40, "b"),
        ev("STEP_FAILURE", 50, "b"),
        ev("STEP_SKIPPED", 51, "c"),
      ],
      null,
    );
    expect(steps).toEqual([
      { key: "a", outcome: "success", attempts: [{ start: 10, end: 20, outcome: "success" }] },
      {
        key: "b",
        outcome: "failure",
        attempts: [
          { start: 21, end: 30, outcome: "retry" },
          { start: 40, end: 50, outcome: "failure" },
        ],
      },
      { key: "c", outcome: "skipped", attempts: [{ start: 51, end: 51, outcome: "skipped" }] },
    ]);
  });

  it("leaves a step open while the run runs, and closes it as canceled when the run ended", () => {
    const events = [ev("STEP_START", 10, "nap"), ev("LOG", 11, "nap")];
    expect(deriveSteps(events, null)[0]).toMatchObject({ outcome: "running", attempts: [{ end: null }] });
    expect(deriveSteps(events, 99)[0]).toMatchObject({ outcome: "canceled", attempts: [{ end: 99 }] });
  });

  it("shows a step stopped by termination as canceled, not failed", () => {
    const interrupt = { error: { name: "AbortError", message: "aborted" }, error_source: "INTERRUPT" };
    const fail = { error: { name: "Error", message: "boom" } };
    const steps = deriveSteps(
      [
        ev("STEP_START", 10, "a"),
        ev("STEP_START", 10, "b"),
        ev("STEP_FAILURE", 20, "a", interrupt),
        ev("STEP_FAILURE", 20, "b", fail),
      ],
      30,
    );
    expect(steps.map((s) => [s.key, s.outcome])).toEqual([
      ["a", "canceled"],
      ["b", "failure"],
    ]);
  });
});
