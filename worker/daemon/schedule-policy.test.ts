/** Due ticks and catch-up (Dagster: test_scheduler_run.py, test_bad_load / test_max_catchup_runs), and cron in words. */
import { describe, expect, it } from "vitest";
import { parseCron } from "./cron";
import { describeCron, selectDueTicks } from "./schedule-policy";

const at = (s: string) => Date.parse(s);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(".000", ""));
const HOURLY = parseCron("0 * * * *");

describe("selectDueTicks", () => {
  it("nothing is due before the next tick", () => {
    expect(selectDueTicks(HOURLY, "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-01T00:59:00Z"), 5)).toEqual({
      run: null,
      skipped: [],
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
