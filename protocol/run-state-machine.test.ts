import { describe, expect, it } from "vitest";
import type { RunStatus } from "./run";
import { RunStatusSchema, TERMINAL_STATUSES } from "./run";
import { allowedPredecessors, canTransition } from "./run-state-machine";

const ALLOWED: ReadonlyArray<readonly [RunStatus, RunStatus]> = [
  ["NOT_STARTED", "STARTING"],
  ["NOT_STARTED", "CANCELED"],
  ["QUEUED", "STARTING"],
  ["QUEUED", "CANCELED"],
  ["STARTING", "QUEUED"],
  ["STARTING", "STARTED"],
  ["STARTING", "FAILURE"],
  ["STARTING", "CANCELING"],
  ["STARTED", "SUCCESS"],
  ["STARTED", "FAILURE"],
  ["STARTED", "CANCELING"],
  ["CANCELING", "CANCELED"],
  ["CANCELING", "SUCCESS"],
  ["CANCELING", "FAILURE"],
];

const isAllowed = (from: RunStatus, to: RunStatus) => ALLOWED.some(([f, t]) => f === from && t === to);
const statuses = RunStatusSchema.options;
const everyPair = statuses.flatMap((from) => statuses.map((to) => [from, to, isAllowed(from, to)] as const));

describe("run state machine", () => {
  it.each(everyPair.map(([from, to, allowed]) => [from, allowed ? "may" : "may not", to, allowed] as const))(
    "a run in %s %s move to %s",
    (from, _verb, to, allowed) => {
      expect(canTransition(from, to)).toBe(allowed);
    },
  );

  it.each(TERMINAL_STATUSES)("a %s run never changes status again", (terminal) => {
    for (const to of statuses) expect(canTransition(terminal, to)).toBe(false);
  });

  it.each(statuses)("allowedPredecessors(%s) lists exactly the statuses that may move to it", (to) => {
    expect(allowedPredecessors(to).sort()).toEqual(statuses.filter((from) => isAllowed(from, to)).sort());
  });

  it("a run that is canceling still ends in SUCCESS or FAILURE when it finished first", () => {
    expect(allowedPredecessors("SUCCESS")).toContain("CANCELING");
    expect(allowedPredecessors("FAILURE")).toContain("CANCELING");
  });
});
