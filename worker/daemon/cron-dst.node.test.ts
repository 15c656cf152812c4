/**
 * Dagster's daylight saving rule over every zone of the IANA database for a year. The ticks come
 * from cron.ts (offsets through zone-offsets.ts); every check reads the wall clock through `Intl`
 * directly, so the two do not share a mistake. For each zone: a daily schedule at a time fast-check
 * picks runs exactly once every local day, at that wall time or — when the day skips it — where
 * the gap ends; and around each of the zone's offset changes in the year, a daily schedule inside
 * the gap or the repeated hour follows the rule (end of the gap; the second occurrence), and an
 * hourly schedule runs at exactly the instants whose wall clock reads its minute.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronTicksBetween, parseCron } from "./cron";

const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `naive`: the wall clock written as if it were UTC (ms), to compare wall times across midnight. */
type Wall = { date: string; minuteOfDay: number; second: number; naive: number };
const formatters = new Map<string, Intl.DateTimeFormat>();
const WALL = /^(\d{2})\/(\d{2})\/(\d+), (\d{2}):(\d{2}):(\d{2})$/;
function wallOf(timeZone: string, ms: number): Wall {
  let f = formatters.get(timeZone);
  if (!f) {
    const digits = "2-digit" as const;
    const [year, month, day, hour, minute, second] = ["numeric", digits, digits, digits, digits, digits] as const;
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year, month, day, hour, minute, second });
    formatters.set(timeZone, f);
  }
  const [, mm, dd, yyyy, hh, mi, ss] = WALL.exec(f.format(ms)) ?? [];
  const date = `${yyyy}-${mm}-${dd}`;
  const minuteOfDay = Number(hh) * 60 + Number(mi);
  const naive = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * MINUTE + Number(ss) * 1000;
  return { date, minuteOfDay, second: Number(ss), naive };
}

/** The offset (ms) at an instant, from the wall clock Intl shows. */
function offsetOf(timeZone: string, ms: number): number {
  return wallOf(timeZone, ms).naive - Math.floor(ms / 1000) * 1000;
}

/** The zone's offset changes in the year, each to the minute: readings every 12 h, then bisection. */
function offsetChanges(timeZone: string): { at: number; before: number; after: number }[] {
  const changes: { at: number; before: number; after: number }[] = [];
  let prev = YEAR_START;
  let prevOffset = offsetOf(timeZone, prev);
  for (let t = YEAR_START + DAY / 2; t <= YEAR_END; t += DAY / 2) {
    const offset = offsetOf(timeZone, t);
    if (offset !== prevOffset) {
      let [lo, hi] = [prev, t];
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        if (offsetOf(timeZone, mid) === prevOffset) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, before: prevOffset, after: offset });
    }
    [prev, prevOffset] = [t, offset];
  }
  return changes;
}

const hhmm = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
const show = (timeZone: string, ms: number) =>
  `${new Date(ms).toISOString()} (${wallOf(timeZone, ms).date} ${hhmm(wallOf(timeZone, ms).minuteOfDay)})`;

/**
 * Checks a daily schedule at `target` (minute of day) over [from, to]: returns its ticks and every
 * broken rule as a sentence (collected, not asserted one by one: a year of every zone is ~150,000 ticks).
 */
function checkDaily(
  timeZone: string,
  target: number,
  from: number,
  to: number,
): { ticks: number[]; problems: string[] } {
  const cron = `${target % 60} ${Math.floor(target / 60)} * * *`;
  const ticks = cronTicksBetween(parseCron(cron), timeZone, from, to, 1000);
  const problems: string[] = [];
  const dates: string[] = [];
  for (const t of ticks) {
    const wall = wallOf(timeZone, t);
    if (wall.minuteOfDay === target && wall.second === 0) {
      dates.push(wall.date);
      // The second occurrence when the wall time happens twice: no later instant reads it that day.
      for (const later of [30 * MINUTE, HOUR, 2 * HOUR]) {
        const again = wallOf(timeZone, t + later);
        if (again.date === wall.date && again.minuteOfDay === target && again.second === 0) {
          problems.push(`${timeZone} "${cron}": ${show(timeZone, t)} is not the second occurrence`);
        }
      }
    } else {
      // The day skips the wall time: the tick is where the clock jumped over it. The skipped day
      // may be the day before the tick's (a gap at midnight: 23:30 runs at 00:00 the next day).
      const before = wallOf(timeZone, t - 1000).naive;
      const today = Date.parse(`${wall.date}T00:00:00Z`);
      const skipped = [today, today - DAY].find(
        (day) => before < day + target * MINUTE && day + target * MINUTE < wall.naive,
      );
      if (skipped === undefined) {
        problems.push(
          `${timeZone} "${cron}": ${show(timeZone, t)} is neither ${hhmm(target)} nor the end of a gap over it`,
        );
      } else dates.push(new Date(skipped).toISOString().slice(0, 10));
    }
  }
  // Exactly one tick per local day, none missing.
  for (let i = 1; i < dates.length; i++) {
    const gap = Date.parse(`${dates[i]}T00:00:00Z`) - Date.parse(`${dates[i - 1]}T00:00:00Z`);
    if (gap !== DAY) problems.push(`${timeZone} "${cron}": ticks on ${dates[i - 1]} then ${dates[i]}`);
  }
  return { ticks, problems };
}

const zones = Intl.supportedValuesOf("timeZone");

// Every zone for a year is a few hundred thousand Intl calls: seconds, not milliseconds.
describe("Dagster's DST rule in every IANA zone, for a year", { timeout: 120_000 }, () => {
  it("knows the whole database", () => {
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toEqual(expect.arrayContaining(["Europe/Paris", "Australia/Lord_Howe", "America/Santiago"]));
  });

  it("runs a daily schedule once a day, at its wall time or the end of the gap, in the second of two occurrences", () => {
    const times = fc.sample(fc.integer({ min: 0, max: 24 * 60 - 1 }), { numRuns: zones.length, seed: 15 });
    const problems: string[] = [];
    let fewest = Number.POSITIVE_INFINITY;
    zones.forEach((zone, i) => {
      const checked = checkDaily(zone, times[i] ?? 0, YEAR_START, YEAR_END);
      problems.push(...checked.problems);
      fewest = Math.min(fewest, checked.ticks.length);
    });
    expect(problems).toEqual([]);
    expect(fewest).toBeGreaterThanOrEqual(364);
  });

  it("around every offset change, follows the rule for wall times in the gap or the repeated hour", () => {
    const problems: string[] = [];
    let changesSeen = 0;
    for (const zone of zones) {
      for (const change of offsetChanges(zone)) {
        changesSeen++;
        const delta = Math.abs(change.after - change.before);
        // A wall time inside the gap (spring forward) or inside the repeated interval (fall back):
        // both start at the earlier of the wall clock just before the change and at the change.
        const start = Math.min(change.at + change.before, change.at + change.after);
        const target = Math.floor(((start + delta / 2) % DAY) / MINUTE);
        problems.push(...checkDaily(zone, target, change.at - 3 * DAY, change.at + 3 * DAY).problems);

        // Hourly at a minute inside the change: exactly the instants whose wall clock reads it.
        const minute = target % 60;
        const from = change.at - 3 * HOUR;
        const to = change.at + 3 * HOUR;
        const expected: string[] = [];
        for (let t = from + MINUTE; t <= to; t += MINUTE) {
          const wall = wallOf(zone, t);
          if (wall.minuteOfDay % 60 === minute && wall.second === 0) expected.push(show(zone, t));
        }
        const got = cronTicksBetween(parseCron(`${minute} * * * *`), zone, from, to).map((t) => show(zone, t));
        if (got.join() !== expected.join()) problems.push(`${zone} "${minute} * * * *": ${got} instead of ${expected}`);
      }
    }
    expect(problems).toEqual([]);
    // Most of the world's DST zones change twice a year.
    expect(changesSeen).toBeGreaterThan(100);
  });
});
