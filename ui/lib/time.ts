/**
 * Times in the browser's own zone: relative in tables ("3 min ago"), absolute on hover, and
 * durations. `now` ticks once a second so relative times and running durations stay current.
 */
import { signal } from "@preact/signals";

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);

const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});
const shortFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

export function formatAbsolute(ms: number): string {
  return absoluteFormat.format(ms);
}

/** Without year and zone, for dense places; the full form goes in the tooltip. */
export function formatShort(ms: number): string {
  return shortFormat.format(ms);
}

export function formatHour(ms: number): string {
  return hourFormat.format(ms);
}

export function formatClock(ms: number): string {
  return clockFormat.format(ms);
}

export function formatRelative(ms: number, nowMs: number): string {
  const seconds = Math.round((ms - nowMs) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return "just now";
  if (abs < 60) return relativeFormat.format(seconds, "second");
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relativeFormat.format(Math.round(seconds / 3600), "hour");
  return relativeFormat.format(Math.round(seconds / 86_400), "day");
}

export { formatDuration } from "../../protocol/duration";
