/**
 * Which ticks of a schedule are due (Dagster's scheduler daemon, `_schedule_tick_times`), and a
 * cron in words for the dashboard. Pure: the pass in schedules.ts claims each tick before acting.
 *
 * After downtime only the latest missed tick runs (Dagster's behaviour for unpartitioned
 * schedules); up to `max_catchup_runs - 1` ticks before it are recorded SKIPPED, so the history
 * says what was missed. Ticks older than a day are not looked at.
 */
import type { CronFields } from "./cron";
import { cronTicksBetween } from "./cron";

export const CATCHUP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type DueTicks = { run: number | null; skipped: number[] };

export function selectDueTicks(
  fields: CronFields,
  timeZone: string,
  cursor: number,
  now: number,
  maxCatchupRuns: number,
): DueTicks {
  const after = Math.max(cursor, now - CATCHUP_WINDOW_MS);
  const ticks = cronTicksBetween(fields, timeZone, after, now, 2000);
  const run = ticks.at(-1) ?? null;
  const skipped = maxCatchupRuns > 1 ? ticks.slice(0, -1).slice(-(maxCatchupRuns - 1)) : [];
  return { run, skipped };
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n: number) => String(n).padStart(2, "0");

function isRange(values: ReadonlySet<number>, from: number, to: number): boolean {
  if (values.size !== to - from + 1) return false;
  for (let v = from; v <= to; v++) if (!values.has(v)) return false;
  return true;
}

/** "every minute", "every 15 minutes", "every hour at :05", "every weekday at 09:00", ... */
export function describeCron(expression: string, fields: CronFields): string {
  const { minutes, hours } = fields;
  const anyDay = !fields.dayRestricted && !fields.weekdayRestricted && fields.months.size === 12;
  if (anyDay && hours.length === 24 && minutes.length === 60) return "every minute";
  const step = minutes.length > 1 ? (minutes[1] ?? 0) - (minutes[0] ?? 0) : 0;
  if (anyDay && hours.length === 24 && minutes[0] === 0 && step > 0 && minutes.length * step === 60) {
    return `every ${step} minutes`;
  }
  if (anyDay && hours.length === 24 && minutes.length === 1) return `every hour at :${pad(minutes[0] ?? 0)}`;
  if (hours.length === 1 && minutes.length === 1 && fields.months.size === 12) {
    const time = `${pad(hours[0] ?? 0)}:${pad(minutes[0] ?? 0)}`;
    if (anyDay) return `every day at ${time}`;
    if (!fields.dayRestricted && fields.weekdayRestricted) {
      if (isRange(fields.weekdays, 1, 5) && fields.weekdays.size === 5) return `every weekday at ${time}`;
      const days = [...fields.weekdays].sort((a, b) => a - b).map((d) => DAY_NAMES[d]);
      return `every ${days.join(", ")} at ${time}`;
    }
    if (fields.dayRestricted && !fields.weekdayRestricted && fields.days.size === 1) {
      return `on day ${[...fields.days][0]} of every month at ${time}`;
    }
  }
  return `on the cron schedule "${expression}"`;
}
