import { describe, expect, it } from "vitest";
import { decideLaunchFailure, nextAlarmAt, RECONCILE_INTERVAL_MS, reconcileInProgress } from "./coordinator-decisions";

describe("decideLaunchFailure", () => {
  it.each([
    ["no retries configured: the first failure fails the run", 1, 0, { kind: "fail", attempts: 1 }],
    ["one retry: the first failure retries after the delay", 1, 1, { kind: "retry", attempt: 2, at: 1000 + 5000 }],
    ["one retry: the second failure fails the run", 2, 1, { kind: "fail", attempts: 2 }],
    ["three retries: the third failure still retries", 3, 3, { kind: "retry", attempt: 4, at: 6000 }],
  ] as const)("%s", (_name, attempt, maxRetries, expected) => {
    expect(decideLaunchFailure(attempt, { max_retries: maxRetries, delay_seconds: 5 }, 1000)).toEqual(expected);
  });
});

describe("reconcileInProgress", () => {
  const d1 = (id: string) => ({ id, tags: {}, since: 1 });
  it("frees the runs D1 no longer has in progress", () => {
    expect(reconcileInProgress([{ id: "a" }, { id: "b" }], [d1("a")], new Set())).toEqual({ free: ["b"], adopt: [] });
  });
  it("keeps a run whose launch is being carried out, though D1 does not show it STARTING yet", () => {
    expect(reconcileInProgress([{ id: "a" }], [], new Set(["a"]))).toEqual({ free: [], adopt: [] });
  });
  it("adopts runs in progress in D1 that the object does not know", () => {
    expect(reconcileInProgress([], [d1("x")], new Set())).toEqual({ free: [], adopt: [d1("x")] });
  });
});

describe("nextAlarmAt", () => {
  it.each([
    ["nothing held, nothing to retry: no alarm", [], false, null],
    ["work held: reconcile after the interval", [], true, 100 + RECONCILE_INTERVAL_MS],
    ["a retry sooner than the reconciliation wins", [150], true, 150],
    ["a retry alone", [400, 300], false, 300],
  ] as const)("%s", (_name, retryTimes, holdsWork, expected) => {
    expect(nextAlarmAt({ retryTimes, holdsWork, now: 100 })).toBe(expected);
  });
});
