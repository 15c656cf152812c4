/**
 * Durations as people read them, the one formatter behind event messages (written by the control
 * plane and the run worker) and the dashboard, so "after 45888 ms in the queue" reads "after 45.9 s
 * in the queue" wherever it appears. The exact figure stays in the event's data, in ms.
 * `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const s = totalSeconds % 60;
  const m = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600);
  if (h === 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${h}h ${String(m).padStart(2, "0")}m`;
}
