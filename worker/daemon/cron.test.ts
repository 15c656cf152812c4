/**
 * Cron evaluation across time zones and DST. Cases marked "Dagster:" port the named test of
 * dagster_tests/scheduler_tests/test_cron_string_iterator.py and the DST rules in Dagster's docs
 * ("Execution time and daylight savings time").
 */
import { describe, expect, it } from "vitest";
import { CronError, cronTicksBetween, isValidTimeZone, nextCronTicks, parseCron } from "./cron";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000", "");
const at = (s: string) => Date.parse(s);
const next = (cron: string, tz: string, after: string, n: number) =>
  nextCronTicks(parseCron(cron), tz, at(after), n).map(iso);

describe("nextCronTicks", () => {
  it.each([
    [
      "every minute in UTC",
      "* * * * *",
      "UTC",
      "2026-03-01T10:00:30Z",
      ["2026-03-01T10:01:00Z", "2026-03-01T10:02:00Z"],
    ],
    [
      "every weekday at 09:00 in New York",
      "0 9 * * 1-5",
      "America/New_York",
      "2026-11-20T15:00:00Z",
      ["2026-11-23T14:00:00Z", "2026-11-24T14:00:00Z"],
    ],
    [
      "month and weekday names",
      "30 6 * JAN MON",
      "UTC",
      "2026-12-30T00:00:00Z",
      ["2027-01-04T06:30:00Z", "2027-01-11T06:30:00Z"],
    ],
    ["steps", "*/20 * * * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z"]],
    [
      "day-of-month OR day-of-week when both are restricted",
      "0 0 13 * 5",
      "UTC",
      "2026-02-12T00:00:00Z",
      ["2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"],
    ],
    ["7 is Sunday", "0 12 * * 7", "UTC", "2026-11-20T00:00:00Z", ["2026-11-22T12:00:00Z"]],
    ["@daily in Tokyo", "@daily", "Asia/Tokyo", "2026-06-01T00:00:00Z", ["2026-06-01T15:00:00Z"]],
    // Dagster: test_spring_forward (US/Central daily 2:30 → 3:00 on the day DST begins)
    [
      "Dagster spring forward: a daily 02:30 that does not exist runs at 03:00",
      "30 2 * * *",
      "America/Chicago",
      "2026-03-07T09:00:00Z",
      ["2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z"],
    ],
    // Dagster: test_fall_back (daily 1:30 happens twice; runs at the first)
    [
      "Dagster fall back: a daily 01:30 that happens twice runs once, at the first",
      "30 1 * * *",
      "America/Chicago",
      "2026-10-31T12:00:00Z",
      ["2026-11-01T06:30:00Z", "2026-11-02T07:30:00Z"],
    ],
    [
      "Dagster fall back, hourly: both 01:30s run",
      "30 * * * *",
      "America/Chicago",
      "2026-11-01T05:45:00Z",
      ["2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:30:00Z"],
    ],
    [
      "Dagster spring forward, hourly: the missing 02:30 runs at 03:00, then 03:30",
      "30 * * * *",
      "America/Chicago",
      "2026-03-08T07:45:00Z",
      ["2026-03-08T08:00:00Z", "2026-03-08T08:30:00Z"],
    ],
    [
      "Europe/Berlin spring forward at 02:00 local",
      "15 2 * * *",
      "Europe/Berlin",
      "2026-03-28T12:00:00Z",
      ["2026-03-29T01:00:00Z", "2026-03-30T00:15:00Z"],
    ],
  ])("%s", (_name, cron, tz, after, expected) => {
    expect(next(cron, tz, after, expected.length)).toEqual(expected);
  });
});

describe("cronTicksBetween (catch-up after downtime)", () => {
  it("lists the ticks missed while the daemon was down, oldest first", () => {
    const ticks = cronTicksBetween(
      parseCron("0 * * * *"),
      "UTC",
      at("2026-01-01T00:30:00Z"),
      at("2026-01-01T03:30:00Z"),
    );
    expect(ticks.map(iso)).toEqual(["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"]);
  });
  it("includes a tick exactly at `until` and never one at `after`", () => {
    const ticks = cronTicksBetween(
      parseCron("* * * * *"),
      "UTC",
      at("2026-01-01T00:00:00Z"),
      at("2026-01-01T00:01:00Z"),
    );
    expect(ticks.map(iso)).toEqual(["2026-01-01T00:01:00Z"]);
  });
});

describe("parseCron", () => {
  it.each(["* * * *", "60 * * * *", "* 24 * * *", "a * * * *", "*/0 * * * *", "5-1 * * * *"])("refuses %s", (cron) => {
    expect(() => parseCron(cron)).toThrow(CronError);
  });
  it("knows IANA zones", () => {
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});
