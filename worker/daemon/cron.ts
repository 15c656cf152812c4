/**
 * Cron evaluation in an IANA time zone, as Dagster's schedules do it (`cron_string_iterator`):
 * the five fields (minute hour day-of-month month day-of-week; lists, ranges, steps, `*`, month
 * and weekday names, 7 = Sunday; day-of-month and day-of-week OR'ed when both are restricted)
 * are matched against the wall clock of `execution_timezone`.
 *
 * Daylight saving, as Dagster does it (its docs: "the second iteration of 1:30 AM"): a wall time
 * that happens twice (fall back) runs once, at its second occurrence, and one that does not exist
 * (spring forward) runs at the end of the gap — except for schedules that repeat every hour,
 * which run at both occurrences and skip the missing hour (see `ticksOfDay`). Written here rather
 * than taken from npm because the DST rule is Dagster's and must be exactly this; offsets come
 * from the runtime's IANA database through `Intl` (zone-offsets.ts).
 */
import { offsetAt, offsetChangesBetween } from "./zone-offsets";

export type CronFields = {
  minutes: readonly number[];
  hours: readonly number[];
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
  everyHour: boolean;
};

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const ALIASES: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

export class CronError extends Error {}

function parseValue(raw: string, names: readonly string[] | null, offset: number): number {
  const upper = raw.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(raw)) throw new CronError(`"${raw}" is not a number${names ? " or a name" : ""}`);
  return Number(raw);
}

function parseField(field: string, min: number, max: number, names: readonly string[] | null, nameOffset = 0) {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = min;
      hi = max;
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      lo = parseValue(a, names, nameOffset);
      hi = parseValue(b, names, nameOffset);
    } else {
      lo = parseValue(range, names, nameOffset);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new CronError(`"${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

export function parseCron(expression: string): CronFields {
  const text = ALIASES[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`"${expression}" needs 5 fields (minute hour day month weekday)`);
  const [m = "", h = "", dom = "", mon = "", dow = ""] = parts;
  const weekdays = parseField(dow, 0, 7, WEEKDAYS);
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  const hours = [...parseField(h, 0, 23, null)].sort((a, b) => a - b);
  return {
    minutes: [...parseField(m, 0, 59, null)].sort((a, b) => a - b),
    hours,
    days: parseField(dom, 1, 31, null),
    months: parseField(mon, 1, 12, MONTHS, 1),
    weekdays,
    dayRestricted: !dom.startsWith("*"),
    weekdayRestricted: !dow.startsWith("*"),
    // croniter (which Dagster asks "does it repeat every hour") reads an hour field that lists all
    // 24 hours as `*`, so `0-23` and `*/1` repeat every hour too.
    everyHour: hours.length === 24,
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    // RangeError: not an IANA zone this runtime knows.
    return false;
  }
}

/** The wall clock of `timeZone` at `ms`, as if it were UTC (ms), for offset arithmetic. */
function wallClock(ms: number, timeZone: string): number {
  return ms + offsetAt(timeZone, ms);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Every zone's offset is within ±14 h: the instants that can read as one wall time lie this close to it. */
const OFFSET_REACH = 15 * HOUR;

/**
 * The real instants whose wall clock in `timeZone` reads `wall` (a naive time written as UTC):
 * one normally, two in a fall-back hour, none in a spring-forward gap.
 */
function instantsOf(wall: number, timeZone: string): number[] {
  const found: number[] = [];
  let offset = offsetAt(timeZone, wall - OFFSET_REACH);
  let from = Number.NEGATIVE_INFINITY;
  for (const change of [...offsetChangesBetween(timeZone, wall - OFFSET_REACH, wall + OFFSET_REACH), null]) {
    const to = change?.at ?? Number.POSITIVE_INFINITY;
    const candidate = wall - offset;
    if (candidate >= from && candidate < to) found.push(candidate);
    if (change) [from, offset] = [change.at, change.after];
  }
  return found;
}

/** Where the gap a wall time falls in ends: the instant the clock jumped over it (spring forward). */
function endOfGap(wall: number, timeZone: string): number {
  for (const change of offsetChangesBetween(timeZone, wall - OFFSET_REACH, wall + OFFSET_REACH)) {
    if (change.at + change.before <= wall && wall < change.at + change.after) return change.at;
  }
  throw new Error(`${new Date(wall).toISOString().slice(0, 16)} exists in ${timeZone}; it is in no gap`);
}

function dayMatches(fields: CronFields, wallDay: number): boolean {
  const d = new Date(wallDay);
  if (!fields.months.has(d.getUTCMonth() + 1)) return false;
  const dom = fields.days.has(d.getUTCDate());
  const dow = fields.weekdays.has(d.getUTCDay());
  if (fields.dayRestricted && fields.weekdayRestricted) return dom || dow;
  if (fields.dayRestricted) return dom;
  if (fields.weekdayRestricted) return dow;
  return true;
}

/**
 * The instants a day's matching wall times run at, by Dagster's rule for daylight saving time
 * (`_timezone_aware_cron_iter` in dagster/_utils/schedules.py; its cases are ported in cron.test.ts):
 * - a wall time that happens twice (fall back) runs once, at its second occurrence (`fold=1`),
 *   except for schedules that repeat every hour, which run at both;
 * - a wall time that does not exist (spring forward) runs at the end of the gap, except for
 *   schedules that repeat every hour, which skip it (the next hour's tick comes anyway).
 * Dagster's fast paths for plain hourly/daily/weekly/monthly crons apply the same rule only to
 * wall times in hours 1–3, assuming every transition happens there; some zones change at midnight
 * (America/Santiago, Asia/Beirut), so the rule here holds at any hour, as Dagster's docs state it.
 */
function ticksOfDay(fields: CronFields, wallDay: number, timeZone: string, wallFrom: number, wallTo: number): number[] {
  const ticks = new Set<number>();
  for (const hour of fields.hours) {
    for (const minute of fields.minutes) {
      const wall = wallDay + hour * HOUR + minute * MINUTE;
      if (wall < wallFrom || wall > wallTo) continue;
      const instants = instantsOf(wall, timeZone);
      const last = instants.at(-1);
      if (last === undefined) {
        if (!fields.everyHour) ticks.add(endOfGap(wall, timeZone));
      } else if (fields.everyHour) for (const t of instants) ticks.add(t);
      else ticks.add(last);
    }
  }
  return [...ticks].sort((a, b) => a - b);
}

/** Ticks strictly after `after` and at most `until`, oldest first, at most `limit` of them. */
export function cronTicksBetween(
  fields: CronFields,
  timeZone: string,
  after: number,
  until: number,
  limit = 1000,
): number[] {
  const out: number[] = [];
  // Start a day early: a wall day's ticks can fall on the previous real day.
  let day = Math.floor(wallClock(after, timeZone) / DAY) * DAY - DAY;
  const lastDay = Math.floor(wallClock(until, timeZone) / DAY) * DAY + DAY;
  // Wall clocks go back at most 2 h (fall back), so wall times outside this window cannot be ticks in range.
  const wallFrom = wallClock(after, timeZone) - 2 * HOUR;
  const wallTo = wallClock(until, timeZone) + 2 * HOUR;
  for (; day <= lastDay && out.length < limit; day += DAY) {
    if (!dayMatches(fields, day)) continue;
    for (const t of ticksOfDay(fields, day, timeZone, wallFrom, wallTo)) {
      if (t > after && t <= until && out.length < limit && !out.includes(t)) out.push(t);
    }
  }
  return out.sort((a, b) => a - b);
}

/** The next `count` ticks after `after` (looking at most 5 years ahead). */
export function nextCronTicks(fields: CronFields, timeZone: string, after: number, count: number): number[] {
  const out: number[] = [];
  let from = after;
  // Walk a month at a time so a yearly schedule does not scan 5 years of minutes at once.
  for (let i = 0; i < 61 && out.length < count; i++) {
    const until = from + 31 * DAY;
    const found = cronTicksBetween(fields, timeZone, from, until, count - out.length);
    out.push(...found);
    from = until;
  }
  return out;
}
