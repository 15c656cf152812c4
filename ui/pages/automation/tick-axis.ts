/** Where ticks sit on a timeline: a pure placement, so it is tested without a browser. */

/** Where each tick sits on the axis, 0–100 (percent), and the axis' ends. */
export function placeTicks(
  ticks: readonly { at: number }[],
  now: number,
): { start: number; end: number; at: number[] } {
  const times = ticks.map((t) => t.at);
  const end = Math.max(now, ...times);
  // At least an hour wide, so a few ticks a minute apart do not spread over the whole strip.
  const start = Math.min(end - 3_600_000, ...times);
  return { start, end, at: times.map((t) => ((t - start) / (end - start)) * 100) };
}
