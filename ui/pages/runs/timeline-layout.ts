/**
 * The runs timeline's layout (Dagster's "Timeline" tab of the runs page): one row per job, each
 * run a bar from its start (or creation, while it waits) to its end (or now, while it runs), over
 * the span of the shown runs. Pure, so the rules are tested without a browser.
 */
import type { Run } from "../../../protocol/run";

export type TimelineBar = { run: Run; start: number; end: number };
export type TimelineRow = { key: string; location: string; job: string; bars: TimelineBar[] };
export type TimelineLayout = { t0: number; t1: number; rows: TimelineRow[] };

export function layoutRunsTimeline(runs: readonly Run[], now: number): TimelineLayout {
  const rows = new Map<string, TimelineRow>();
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    const start = run.started_at ?? run.created_at;
    const end = Math.max(start, run.ended_at ?? now);
    t0 = Math.min(t0, start);
    t1 = Math.max(t1, end);
    const key = `${run.location}/${run.job}`;
    let row = rows.get(key);
    if (!row) {
      row = { key, location: run.location, job: run.job, bars: [] };
      rows.set(key, row);
    }
    row.bars.push({ run, start, end });
  }
  if (rows.size === 0) return { t0: now, t1: now, rows: [] };
  for (const row of rows.values()) row.bars.sort((a, b) => a.start - b.start);
  return { t0, t1: Math.max(t1, t0 + 1), rows: [...rows.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}
