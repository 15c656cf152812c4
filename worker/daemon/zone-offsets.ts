/**
 * A time zone's UTC offset as a function of time, from the runtime's IANA database (`Intl`): found
 * once per zone and UTC month — sampled every 12 hours, each change bisected to the second — then
 * answered by arithmetic. Cron evaluation asks for offsets around every candidate wall time; one
 * `Intl` call costs microseconds, so asking it each time made a year of an hourly schedule cost
 * seconds. Assumes what the database holds for every zone since 1970: no two offset changes
 * within 12 hours of each other that cancel out (the property test over every zone checks a year).
 */

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const SAMPLE = 12 * HOUR;

type Change = { readonly at: number; readonly before: number; readonly after: number };
type MonthTimeline = { readonly first: number; readonly changes: readonly Change[] };

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const timelines = new Map<string, MonthTimeline>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const OFFSET = /GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** The offset (ms) at `ms`, asked of Intl: "GMT+05:45" → 20,700,000; "GMT" is 0. */
function intlOffset(timeZone: string, ms: number): number {
  const match = OFFSET.exec(offsetFormatter(timeZone).format(ms));
  if (!match) throw new Error(`no UTC offset in Intl's name of ${timeZone} at ${new Date(ms).toISOString()}`);
  const [, sign, hours = "0", minutes = "0", seconds = "0"] = match;
  const magnitude = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * SECOND;
  return sign === "-" ? -magnitude : magnitude;
}

/** Every offset change in [from, to], found by sampling and bisecting to the second. */
function findChanges(timeZone: string, from: number, to: number): Change[] {
  const changes: Change[] = [];
  let at = from;
  let offset = intlOffset(timeZone, from);
  while (at < to) {
    const next = Math.min(at + SAMPLE, to);
    const nextOffset = intlOffset(timeZone, next);
    if (nextOffset === offset) {
      at = next;
      continue;
    }
    // The first second at which the offset is no longer `offset`: lo keeps it, hi does not.
    let lo = at;
    let hi = next;
    while (hi - lo > SECOND) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
      if (intlOffset(timeZone, mid) === offset) lo = mid;
      else hi = mid;
    }
    const after = intlOffset(timeZone, hi);
    changes.push({ at: hi, before: offset, after });
    at = hi;
    offset = after;
  }
  return changes;
}

/** Months since 1970, UTC: the unit the timelines are cached in. */
function monthIndex(ms: number): number {
  const date = new Date(ms);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

function timelineOf(timeZone: string, month: number): MonthTimeline {
  const key = `${timeZone}@${month}`;
  let timeline = timelines.get(key);
  if (!timeline) {
    const start = Date.UTC(1970, month, 1);
    timeline = {
      first: intlOffset(timeZone, start),
      changes: findChanges(timeZone, start, Date.UTC(1970, month + 1, 1)),
    };
    timelines.set(key, timeline);
  }
  return timeline;
}

/** The zone's UTC offset (ms, east positive) at the instant `ms`. */
export function offsetAt(timeZone: string, ms: number): number {
  const { first, changes } = timelineOf(timeZone, monthIndex(ms));
  let offset = first;
  for (const change of changes) {
    if (change.at > ms) break;
    offset = change.after;
  }
  return offset;
}

/** The zone's offset changes in [from, to], oldest first. */
export function offsetChangesBetween(timeZone: string, from: number, to: number): Change[] {
  const out: Change[] = [];
  for (let month = monthIndex(from); month <= monthIndex(to); month++) {
    for (const change of timelineOf(timeZone, month).changes)
      if (change.at >= from && change.at <= to) out.push(change);
  }
  return out;
}
