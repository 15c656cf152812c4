import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlertPolicy, Run } from "../../protocol";
import {
  decideRunEndAlert,
  matchesFilters,
  overdueEvents,
  smallestThresholdMs,
  WILL_RETRY_TAG,
  willRetry,
} from "./alert-match";

const NOW = 1_700_000_000_000;
const MIN = 60_000;

function policy(overrides: Partial<AlertPolicy> = {}): AlertPolicy {
  return {
    id: "p1",
    name: "on-call",
    enabled: true,
    events: ["RUN_FAILURE"],
    skip_if_will_retry: false,
    long_running_minutes: null,
    long_queued_minutes: null,
    filters: { locations: [], jobs: [], tags: {} },
    destination: { type: "WEBHOOK", url: "https://example.com/hook" },
    secret: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: "r1",
    location: "demo",
    job: "fails",
    status: "FAILURE",
    run_config: {},
    tags: {},
    priority: 0,
    attempt: 1,
    parent_run_id: null,
    root_run_id: null,
    created_at: NOW - 10 * MIN,
    updated_at: NOW,
    started_at: NOW - 5 * MIN,
    ended_at: NOW,
    agent: null,
    ...overrides,
  };
}

describe("filters", () => {
  it.each([
    ["no filters match every run", {}, true],
    ["a listed location matches", { locations: ["demo"] }, true],
    ["an unlisted location does not", { locations: ["other"] }, false],
    ["a listed job matches", { jobs: ["fails", "x"] }, true],
    ["an unlisted job does not", { jobs: ["x"] }, false],
    ["every tag must be on the run", { tags: { team: "data", env: "prod" } }, false],
    ["a tag with the same value matches", { tags: { team: "data" } }, true],
    ["a tag with another value does not", { tags: { team: "ml" } }, false],
  ])("%s", (_name, filters, expected) => {
    const full = { locations: [], jobs: [], tags: {}, ...filters };
    expect(matchesFilters(full, run({ tags: { team: "data" } }))).toBe(expected);
  });
});

describe("whether a failed run will be retried", () => {
  it.each([
    ["a run that did not fail never will", { status: "SUCCESS" as const }, null, true, false],
    ["the will_retry tag wins: true", { tags: { [WILL_RETRY_TAG]: "true" } }, "NO_RETRY" as const, true, true],
    ["the will_retry tag wins: false", { tags: { [WILL_RETRY_TAG]: "false" } }, "RETRY" as const, true, false],
    ["run retries decided to retry", {}, "RETRY" as const, true, true],
    ["run retries decided not to", {}, "NO_RETRY" as const, true, false],
    ["a retry that could not be created is not a retry", {}, "ERROR" as const, true, false],
    ["undecided with retries on: not known yet", {}, null, true, null],
    ["undecided with retries off: never", {}, null, false, false],
  ])("%s", (_name, overrides, decision, enabled, expected) => {
    expect(willRetry(run(overrides), decision, enabled)).toBe(expected);
  });
});

describe("one policy and one ended run", () => {
  it("alerts a failure the policy watches", () => {
    expect(decideRunEndAlert(policy(), run(), false)).toBe("alert");
  });

  it.each([
    ["a disabled policy", policy({ enabled: false }), run()],
    ["an event it does not watch", policy({ events: ["RUN_SUCCESS"] }), run()],
    ["a run its filters leave out", policy({ filters: { locations: [], jobs: ["other"], tags: {} } }), run()],
    ["a run that has not ended", policy(), run({ status: "STARTED" })],
  ])("skips %s", (_name, p, r) => {
    expect(decideRunEndAlert(p, r, false)).toBe("skip");
  });

  it("a policy that skips retried failures waits for the retry decision, then alerts only the last failure", () => {
    const p = policy({ skip_if_will_retry: true });
    expect(decideRunEndAlert(p, run(), null)).toBe("wait");
    expect(decideRunEndAlert(p, run(), true)).toBe("skip");
    expect(decideRunEndAlert(p, run(), false)).toBe("alert");
  });

  it("a policy that does not skip retried failures alerts every failure at once", () => {
    expect(decideRunEndAlert(policy(), run(), null)).toBe("alert");
    expect(decideRunEndAlert(policy(), run(), true)).toBe("alert");
  });

  it("skipping retried failures never holds back successes or cancellations", () => {
    const p = policy({ skip_if_will_retry: true, events: ["RUN_SUCCESS", "RUN_CANCELED"] });
    expect(decideRunEndAlert(p, run({ status: "SUCCESS" }), null)).toBe("alert");
    expect(decideRunEndAlert(p, run({ status: "CANCELED" }), null)).toBe("alert");
  });

  it("in a retry chain of failures, a skipping policy alerts exactly the one the retries gave up on", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), (retries) => {
        const p = policy({ skip_if_will_retry: true });
        // Every attempt fails; each but the last is retried.
        const alerted = Array.from({ length: retries + 1 }, (_, i) => decideRunEndAlert(p, run(), i < retries));
        expect(alerted.filter((d) => d === "alert")).toHaveLength(1);
        expect(alerted.at(-1)).toBe("alert");
      }),
    );
  });
});

describe("overdue runs", () => {
  const running = policy({ events: ["RUN_LONG_RUNNING"], long_running_minutes: 30 });
  const queued = policy({ events: ["RUN_LONG_QUEUED"], long_queued_minutes: 5 });

  it.each([
    [
      "a run started 31 min ago is long-running",
      running,
      run({ status: "STARTED", started_at: NOW - 31 * MIN }),
      ["RUN_LONG_RUNNING"],
    ],
    ["a run started 29 min ago is not", running, run({ status: "STARTED", started_at: NOW - 29 * MIN }), []],
    [
      "a CANCELING run still runs",
      running,
      run({ status: "CANCELING", started_at: NOW - 31 * MIN }),
      ["RUN_LONG_RUNNING"],
    ],
    ["a finished run is never long-running", running, run({ status: "FAILURE", started_at: NOW - 99 * MIN }), []],
    [
      "a run queued 6 min ago is long-queued",
      queued,
      run({ status: "QUEUED", created_at: NOW - 6 * MIN, started_at: null }),
      ["RUN_LONG_QUEUED"],
    ],
    [
      "a run queued 4 min ago is not",
      queued,
      run({ status: "QUEUED", created_at: NOW - 4 * MIN, started_at: null }),
      [],
    ],
    ["a starting run is no longer queued", queued, run({ status: "STARTING", created_at: NOW - 60 * MIN }), []],
    ["a disabled policy raises nothing", { ...running, enabled: false }, run({ status: "STARTED", started_at: 0 }), []],
  ])("%s", (_name, p, r, expected) => {
    expect(overdueEvents(p, r, NOW)).toEqual(expected);
  });

  it("the smallest threshold bounds the scan", () => {
    const other = policy({ events: ["RUN_LONG_RUNNING"], long_running_minutes: 0.5 });
    expect(smallestThresholdMs([running, other, queued], "RUN_LONG_RUNNING")).toBe(30_000);
    expect(smallestThresholdMs([running], "RUN_LONG_QUEUED")).toBeNull();
  });
});
