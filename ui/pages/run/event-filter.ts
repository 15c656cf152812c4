/**
 * Which of a run's events the log shows, and which page of them. Pure, so the rules are tested
 * without a browser. Like Dagster's log viewer, DEBUG is off by default and HEARTBEAT (liveness
 * pings with nothing to read) is hidden unless asked for; the log is shown a page at a time so a
 * run with ten thousand events renders a hundred rows, not ten thousand.
 */
import { type LogLevel, LogLevelSchema, type StoredEvent } from "../../../protocol/events";

export const EVENT_PAGE_SIZE = 100;

export const DEFAULT_LEVELS: ReadonlySet<LogLevel> = new Set(LogLevelSchema.options.filter((l) => l !== "DEBUG"));

export type EventFilter = {
  levels: ReadonlySet<LogLevel>;
  heartbeats: boolean;
  step: string | null;
  /** Lower-case text to look for in type, step, message and data. */
  needle: string;
};

export function matchesEvent(e: StoredEvent, f: EventFilter): boolean {
  if (!f.levels.has(e.level)) return false;
  if (!f.heartbeats && e.type === "HEARTBEAT") return false;
  if (f.step !== null && e.step_key !== f.step) return false;
  if (!f.needle) return true;
  const hay = `${e.type} ${e.step_key ?? ""} ${e.message ?? ""} ${e.data ? JSON.stringify(e.data) : ""}`.toLowerCase();
  return hay.includes(f.needle);
}

export type EventPage = { index: number; count: number; from: number; to: number };

/** Page `wanted` of `total` rows (null: the last page, which follows a live run). */
export function pageOf(total: number, wanted: number | null, size = EVENT_PAGE_SIZE): EventPage {
  const count = Math.max(1, Math.ceil(total / size));
  const index = wanted === null ? count - 1 : Math.min(Math.max(0, wanted), count - 1);
  return { index, count, from: index * size, to: Math.min(total, (index + 1) * size) };
}
