/**
 * A schedule's or sensor's ticks on a time axis (Dagster's tick timeline): one mark per tick,
 * placed by when it happened and colored by its status, from the oldest tick shown to now. Each
 * mark says in words what the tick did, for a screen reader and on hover; the tick table below
 * it has the details.
 */
import { formatAbsolute, formatShort } from "../../lib/time";
import { placeTicks } from "./tick-axis";
import type { TickRow } from "./ticks";

const WORD: Record<TickRow["status"], string> = {
  STARTED: "evaluating",
  SUCCESS: "requested runs",
  SKIPPED: "skipped",
  FAILURE: "failed",
};

function describe(tick: TickRow): string {
  const runs = tick.run_ids.length > 0 ? `, ${tick.run_ids.length} run${tick.run_ids.length === 1 ? "" : "s"}` : "";
  const why = tick.skip_reason ?? tick.error?.split("\n")[0] ?? "";
  return `${formatAbsolute(tick.at)}: ${WORD[tick.status]}${runs}${why ? ` — ${why}` : ""}`;
}

export function TickTimeline({ ticks, now }: { ticks: readonly TickRow[]; now: number }) {
  if (ticks.length === 0) return null;
  const { start, end, at } = placeTicks(ticks, now);
  const counts = ticks.reduce<Record<string, number>>((acc, t) => {
    acc[t.status] = (acc[t.status] ?? 0) + 1;
    return acc;
  }, {});
  return (
    <figure class="tick-timeline" data-testid="tick-timeline">
      <figcaption class="muted small">
        {ticks.length} tick{ticks.length === 1 ? "" : "s"} from {formatAbsolute(start)} to now:{" "}
        {Object.entries(counts)
          .map(([status, n]) => `${n} ${WORD[status as TickRow["status"]]}`)
          .join(", ")}
      </figcaption>
      <ol class="tick-axis">
        {ticks.map((tick, k) => (
          <li
            key={tick.id}
            class={`tick-mark tick-${tick.status.toLowerCase()}`}
            style={{ left: `${at[k] ?? 0}%` }}
            title={describe(tick)}
            data-testid="tick-mark"
            data-status={tick.status}
          >
            <span class="sr-only">{describe(tick)}</span>
          </li>
        ))}
      </ol>
      <div class="tick-axis-ends muted small" aria-hidden="true">
        <span>{formatShort(start)}</span>
        <span>{formatShort(end)}</span>
      </div>
    </figure>
  );
}
