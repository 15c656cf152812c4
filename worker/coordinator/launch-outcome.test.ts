import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { decideLaunchOutcome, type LaunchRetrySettings } from "./launch-outcome";

const run = { id: "r1", location: "etl", attempt: 1 } as Run;
const settings = (max: number, delay = 60): LaunchRetrySettings => ({
  max_user_code_failure_retries: max,
  user_code_failure_retry_delay: delay,
});
const failed = (unreachable: boolean, enqueues = 1) =>
  ({ kind: "failed", run, reason: "connection refused", unreachable, enqueues }) as const;

describe("decideLaunchOutcome (Dagster's QueuedRunCoordinatorDaemon._dequeue_run)", () => {
  it("keeps the slot of a launched run", () => {
    expect(decideLaunchOutcome({ kind: "launched" }, settings(2), 0)).toEqual({ kind: "launched" });
  });

  it("fails the run at once when the server answered an error, whatever the retries", () => {
    const decision = decideLaunchOutcome(failed(false), settings(3), 0);
    expect(decision).toMatchObject({ kind: "fail", pause: null, message: "Run launch failed: connection refused." });
  });

  it("fails an unreachable launch at once with max_user_code_failure_retries 0 (Dagster's default), pausing nothing", () => {
    const decision = decideLaunchOutcome(failed(true), settings(0), 0);
    expect(decision).toMatchObject({ kind: "fail", pause: null });
    expect(decision.kind === "fail" && decision.message).toMatch(
      /could not be reached.*max_user_code_failure_retries is 0/,
    );
  });

  it.each([
    { enqueues: 1, retriesLeft: 2, remaining: "2 retries remaining" },
    { enqueues: 2, retriesLeft: 1, remaining: "1 retry remaining" },
  ])("re-queues an unreachable launch after $enqueues enqueue(s) and pauses its location for the delay", (c) => {
    const decision = decideLaunchOutcome(failed(true, c.enqueues), settings(2, 120), 1_000);
    expect(decision).toMatchObject({
      kind: "requeue",
      retriesLeft: c.retriesLeft,
      pause: { location: "etl", until: 121_000, reason: "connection refused" },
    });
    expect(decision.kind === "requeue" && decision.message).toContain(c.remaining);
  });

  it("fails once the retries so far (RUN_ENQUEUED events less one) reach the maximum, still pausing the location", () => {
    const decision = decideLaunchOutcome(failed(true, 3), settings(2, 120), 1_000);
    expect(decision).toMatchObject({ kind: "fail", pause: { location: "etl", until: 121_000 } });
    expect(decision.kind === "fail" && decision.message).toMatch(/in 3 attempts/);
  });

  it.each([
    { status: null, free: true },
    { status: "QUEUED", free: true },
    { status: "CANCELED", free: true },
    { status: "STARTING", free: false },
    { status: "STARTED", free: false },
    { status: "CANCELING", free: false },
  ] as const)("a run found $status by the claim keeps its slot only while in progress", ({ status, free }) => {
    expect(decideLaunchOutcome({ kind: "not_ours", status }, settings(0), 0)).toEqual({ kind: "not_ours", free });
  });
});
