/** Relative times (ticking) with the absolute time in the browser's zone on hover; live durations. */
import { formatAbsolute, formatDuration, formatRelative, formatShort, now } from "../lib/time";

export function RelativeTime({ ms }: { ms: number | null }) {
  if (ms === null) return <span class="muted">—</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatAbsolute(ms)}>
      {formatRelative(ms, now.value)}
    </time>
  );
}

export function AbsoluteTime({ ms }: { ms: number | null }) {
  if (ms === null) return <span class="muted">—</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatAbsolute(ms)}>
      {formatShort(ms)}
    </time>
  );
}

/** From start to end, or to now while it runs. */
export function Duration({ start, end }: { start: number | null; end: number | null }) {
  if (start === null) return <span class="muted">—</span>;
  return <span class="num">{formatDuration((end ?? now.value) - start)}</span>;
}
