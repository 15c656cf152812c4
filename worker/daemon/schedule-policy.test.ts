/** Due ticks and catch-up (Dagster: test_scheduler_run.py, test_bad_load / test_max_catchup_runs), and cron in words. */
import { describe, expect, it } from "vitest";
import { parseCron } from "./cron";
import { describeCron, selectDueTicks, tickToEvaluateAgain } from "./schedule-policy";

const at = (s: string) => Date.parse(s);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(".000", ""));
const HOURLY = parseCron("0 * * * *");

describe("selectDueTicks", () => {
  it("nothing is due before the next tick", () => {
    expect(selectDueTicks(HOURLY, "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-01T00:59:00Z"), 5)).toEqual({
      run: null,
      skipped: [],
      again: false,
    });
  });
  it("the tick that just passed runs", () => {
    const due = selectDueTicks(HOURLY, "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-01T01:00:30Z"), 5);
    expect(iso(due.run)).toBe("2026-01-01T01:00:00Z");
    expect(due.skipped).toEqual([]);
  });
  it("Dagster test_max_catchup_runs: after downtime only the latest tick runs; up to max_catchup_runs - 1 before it are SKIPPED", () => {
    const due = selectDueTicks(HOURLY, "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-01T10:30:00Z"), 3);
    expect(iso(due.run)).toBe("2026-01-01T10:00:00Z");
    expect(due.skipped.map(iso)).toEqual(["2026-01-01T08:00:00Z", "2026-01-01T09:00:00Z"]);
  });
  it("a tick already considered (the cursor) is never due again", () => {
    const due = selectDueTicks(HOURLY, "UTC", at("2026-01-01T01:00:00Z"), at("2026-01-01T01:00:30Z"), 5);
    expect(due.run).toBeNull();
  });
  it("never looks back more than a day", () => {
    const due = selectDueTicks(HOURLY, "UTC", 0, at("2026-01-01T10:30:00Z"), 100);
    expect(due.skipped).toHaveLength(23);
  });
});

describe("a tick evaluated again (Dagster: test_schedule_tick_retries, test_grpc_server_down)", () => {
  const T = at("2026-01-01T01:00:00Z");
  const tick = (status: string, failureCount: number, startedAt = T) => ({
    scheduledTime: T,
    status,
    failureCount,
    startedAt,
  });

  it.each([
    ["no tick yet", null, 0, null],
    ["a SUCCESS", tick("SUCCESS", 0), 0, null],
    ["a SKIPPED", tick("SKIPPED", 0), 0, null],
    ["a FAILURE because the server was unreachable (count 0), with max_tick_retries 0", tick("FAILURE", 0), 0, T],
    ["a FAILURE counted once, with max_tick_retries 0", tick("FAILURE", 1), 0, null],
    ["a FAILURE counted once, with max_tick_retries 1", tick("FAILURE", 1), 1, T],
    ["a FAILURE counted twice, with max_tick_retries 1", tick("FAILURE", 2), 1, null],
    ["a STARTED tick whose pass may still be running", tick("STARTED", 0, T + 50_000), 0, null],
    ["a STARTED tick whose pass died", tick("STARTED", 0, T), 0, T],
  ] as const)("%s → %s", (_name, latest, maxTickRetries, expected) => {
    expect(tickToEvaluateAgain(latest, T + 60_000, maxTickRetries)).toBe(expected);
  });

  it("is due again while it is the latest tick, and dropped once a newer one is due", () => {
    const T2 = at("2026-01-01T02:00:00Z");
    const cursor = T; // the cursor moved past it when it was first claimed
    const still = selectDueTicks(HOURLY, "UTC", cursor, T + 30 * 60_000, 5, T);
    expect(still).toEqual({ run: T, skipped: [], again: true });
    const newer = selectDueTicks(HOURLY, "UTC", cursor, T2 + 30_000, 5, T);
    expect(newer).toEqual({ run: T2, skipped: [], again: false });
  });
});

describe("describeCron", () => {
  it.each([
    ["* * * * *", "every minute"],
    ["*/15 * * * *", "every 15 minutes"],
    ["5 * * * *", "every hour at :05"],
    ["0 9 * * *", "every day at 09:00"],
    ["0 9 * * 1-5", "every weekday at 09:00"],
    ["30 18 * * 0,6", "every Sunday, Saturday at 18:30"],
    ["0 3 1 * *", "on day 1 of every month at 03:00"],
    ["0 9-17 * * 1-5", 'on the cron schedule "0 9-17 * * 1-5"'],
  ])("%s → %s", (cron, words) => {
    expect(describeCron(cron, parseCron(cron))).toBe(words);
  });
});
