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

/** `again`: `run` is the latest tick, already recorded, to evaluate once more (see `tickToEvaluateAgain`). */
export type DueTicks = { run: number | null; skipped: number[]; again: boolean };

/**
 * `again` is the scheduled time of the latest tick when it must be evaluated again: it is due as
 * long as no newer tick is (Dagster's scheduler starts its iteration at that tick's time, then
 * runs only the latest of the due times for a schedule without partitions).
 */
export function selectDueTicks(
  fields: CronFields,
  timeZone: string,
  cursor: number,
  now: number,
  maxCatchupRuns: number,
  again: number | null = null,
): DueTicks {
  const from = again === null ? cursor : Math.min(cursor, again - 1);
  const after = Math.max(from, now - CATCHUP_WINDOW_MS);
  const ticks = cronTicksBetween(fields, timeZone, after, now, 2000);
  const run = ticks.at(-1) ?? null;
  const skipped = maxCatchupRuns > 1 ? ticks.slice(0, -1).slice(-(maxCatchupRuns - 1)) : [];
  return { run, skipped: skipped.filter((t) => t !== again), again: run !== null && run === again };
}

/** How long a STARTED tick may take before a pass treats its evaluation as interrupted: the evaluation's 30 s timeout and margin. */
export const TICK_LEASE_MS = 45_000;

export type RecordedTick = { scheduledTime: number; status: string; failureCount: number; startedAt: number };

/**
 * Whether the schedule's latest tick is evaluated again (Dagster's
 * `launch_scheduled_runs_for_schedule_iterator`): when its evaluation was interrupted (STARTED, and
 * its pass has had time to finish), or when it failed and its failure count is still within
 * `max_tick_retries` — a tick that failed only because its code location was unreachable keeps a
 * count of 0, so it is evaluated again until the server answers ("Schedule will resume execution
 * once the server is available").
 */
export function tickToEvaluateAgain(latest: RecordedTick | null, now: number, maxTickRetries: number): number | null {
  if (latest === null) return null;
  if (latest.status === "STARTED") return now - latest.startedAt >= TICK_LEASE_MS ? latest.scheduledTime : null;
  if (latest.status === "FAILURE" && latest.failureCount <= maxTickRetries) return latest.scheduledTime;
  return null;
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
