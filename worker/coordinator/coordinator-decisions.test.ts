import { describe, expect, it } from "vitest";
import { interruptedLaunches, nextAlarmAt, RECONCILE_INTERVAL_MS, reconcileInProgress } from "./coordinator-decisions";

describe("interruptedLaunches", () => {
  const run = (id: string, state: string) => ({ id, state, eventsUrl: `https://x.test/api/runs/${id}/events` });
  it("re-sends the launches left `launching` that no request of this instance carries out", () => {
    const held = [run("a", "launching"), run("b", "launched"), run("c", "launching")];
    expect(interruptedLaunches(held, new Set(["c"]))).toEqual([
      { runId: "a", eventsUrl: "https://x.test/api/runs/a/events", queuedAt: null, resend: true },
    ]);
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
    ["nothing held, no location paused: no alarm", [], false, null],
    ["work held: reconcile after the interval", [], true, 100 + RECONCILE_INTERVAL_MS],
    ["a pause ending sooner than the reconciliation wins", [150], true, 150],
    ["the earliest pause end alone", [400, 300], false, 300],
  ] as const)("%s", (_name, pauseEnds, holdsWork, expected) => {
    expect(nextAlarmAt({ pauseEnds, holdsWork, now: 100 })).toBe(expected);
  });
});
