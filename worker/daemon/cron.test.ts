/**
 * Cron evaluation across time zones and DST. The DST table ports `DST_PARAMS` and
 * `DAY_OF_WEEK_FILTER_PARAMS` of Dagster's dagster_tests/scheduler_tests/test_cron_string_iterator.py
 * (`test_dst_transition_advances`): each expected tick is written with its UTC offset, so a
 * `fold=1` time there is the same wall time here with the later, smaller offset.
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
  ])("%s", (_name, cron, tz, after, expected) => {
    expect(next(cron, tz, after, expected.length)).toEqual(expected);
  });
});

// [zone, cron, the ticks in order] — from Dagster's DST_PARAMS unless marked.
const DST_CASES: [string, string, string[]][] = [
  // Daily / fall back: Berlin's 02:00–03:00 happens twice on 2023-10-29; the second one runs.
  ["Europe/Berlin", "45 1 * * *", ["2023-10-28T01:45+02:00", "2023-10-29T01:45+02:00", "2023-10-30T01:45+01:00"]],
  ["Europe/Berlin", "0 2 * * *", ["2023-10-28T02:00+02:00", "2023-10-29T02:00+01:00", "2023-10-30T02:00+01:00"]],
  ["Europe/Berlin", "30 2 * * *", ["2023-10-28T02:30+02:00", "2023-10-29T02:30+01:00", "2023-10-30T02:30+01:00"]],
  ["Europe/Berlin", "0 3 * * *", ["2023-10-28T03:00+02:00", "2023-10-29T03:00+01:00", "2023-10-30T03:00+01:00"]],
  // Lord Howe springs forward by 30 minutes: 02:00 runs at 02:30, the end of the gap.
  ["Australia/Lord_Howe", "0 2 * * *", ["2023-09-30T02:00+10:30", "2023-10-01T02:30+11:00", "2023-10-02T02:00+11:00"]],
  // Hourly / fall back: both 02:45s run.
  [
    "Europe/Berlin",
    "45 * * * *",
    [
      "2023-10-29T00:45+02:00",
      "2023-10-29T01:45+02:00",
      "2023-10-29T02:45+02:00",
      "2023-10-29T02:45+01:00",
      "2023-10-29T03:45+01:00",
    ],
  ],
  [
    "Europe/Berlin",
    "0 * * * *",
    ["2023-10-29T01:00+02:00", "2023-10-29T02:00+02:00", "2023-10-29T02:00+01:00", "2023-10-29T03:00+01:00"],
  ],
  // Weekly and monthly / fall back.
  ["Europe/Berlin", "0 2 * * 0", ["2023-10-22T02:00+02:00", "2023-10-29T02:00+01:00", "2023-11-05T02:00+01:00"]],
  ["US/Central", "30 1 5 * *", ["2023-10-05T01:30-05:00", "2023-11-05T01:30-06:00", "2023-12-05T01:30-06:00"]],
  ["US/Central", "45 0 5 * *", ["2023-10-05T00:45-05:00", "2023-11-05T00:45-05:00", "2023-12-05T00:45-06:00"]],
  // Daily, weekly, monthly / spring forward: 02:00–03:00 does not exist on 2023-03-26.
  ["Europe/Berlin", "0 1 * * *", ["2023-03-25T01:00+01:00", "2023-03-26T01:00+01:00", "2023-03-27T01:00+02:00"]],
  ["Europe/Berlin", "0 2 * * *", ["2023-03-25T02:00+01:00", "2023-03-26T03:00+02:00", "2023-03-27T02:00+02:00"]],
  ["Europe/Berlin", "30 2 * * *", ["2023-03-25T02:30+01:00", "2023-03-26T03:00+02:00", "2023-03-27T02:30+02:00"]],
  ["Europe/Berlin", "30 2 * * 0", ["2023-03-19T02:30+01:00", "2023-03-26T03:00+02:00", "2023-04-02T02:30+02:00"]],
  ["Europe/Berlin", "30 2 26 * *", ["2023-02-26T02:30+01:00", "2023-03-26T03:00+02:00", "2023-04-26T02:30+02:00"]],
  // Hourly / spring forward: the hour that does not exist gets no tick.
  [
    "Europe/Berlin",
    "45 * * * *",
    ["2023-03-26T00:45+01:00", "2023-03-26T01:45+01:00", "2023-03-26T03:45+02:00", "2023-03-26T04:45+02:00"],
  ],
  [
    "Europe/Berlin",
    "*/15 * * * *",
    ["2023-03-26T01:30+01:00", "2023-03-26T01:45+01:00", "2023-03-26T03:00+02:00", "2023-03-26T03:15+02:00"],
  ],
  [
    "Europe/Berlin",
    "*/15 * * * *",
    [
      "2023-10-29T01:45+02:00",
      "2023-10-29T02:00+02:00",
      "2023-10-29T02:15+02:00",
      "2023-10-29T02:30+02:00",
      "2023-10-29T02:45+02:00",
      "2023-10-29T02:00+01:00",
      "2023-10-29T02:15+01:00",
      "2023-10-29T02:30+01:00",
      "2023-10-29T02:45+01:00",
      "2023-10-29T03:00+01:00",
    ],
  ],
  // The example (not in Dagster's table): Paris, hourly at :45, spring forward.
  ["Europe/Paris", "45 * * * *", ["2026-03-29T01:45+01:00", "2026-03-29T03:45+02:00", "2026-03-29T04:45+02:00"]],
  // An hour field listing all 24 hours repeats every hour too (croniter reads it as `*`).
  ["Europe/Paris", "45 0-23 * * *", ["2026-03-29T01:45+01:00", "2026-03-29T03:45+02:00"]],
  // From DAY_OF_WEEK_FILTER_PARAMS.
  ["US/Pacific", "0 1 * * 6-7", ["2024-11-02T01:00-07:00", "2024-11-03T01:00-08:00", "2024-11-09T01:00-08:00"]],
  ["US/Pacific", "30 2 * * 6-7", ["2024-03-09T02:30-08:00", "2024-03-10T03:00-07:00", "2024-03-16T02:30-07:00"]],
  ["Australia/Sydney", "0 2 * * 6-7", ["2024-04-06T02:00+11:00", "2024-04-07T02:00+10:00", "2024-04-13T02:00+10:00"]],
];

describe("daylight saving time, as Dagster's cron iterator does it", () => {
  it.each(DST_CASES)("%s %s", (tz, cron, times) => {
    const expected = times.map((t) => iso(Date.parse(t)));
    const fields = parseCron(cron);
    for (let i = 0; i < times.length - 1; i++) {
      const from = Date.parse(times[i] ?? "");
      // From exactly one tick, and from a second after it (test_dst_transition_advances does both).
      for (const start of [from, from + 1000]) {
        expect(nextCronTicks(fields, tz, start, times.length - 1 - i).map(iso)).toEqual(expected.slice(i + 1));
      }
    }
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
