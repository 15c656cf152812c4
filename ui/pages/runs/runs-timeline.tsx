/**
 * The runs page as a timeline (Dagster's runs "Timeline" view): one row per job, each run a bar
 * from its start to its end coloured by status, over the span of the runs the filters show. Each
 * bar is a link to its run, named for screen readers by run, status and duration.
 */
import type { Run } from "../../../protocol/run";
import { Link } from "../../components/link";
import { shortRunId } from "../../lib/run-id";
import { STATUS_LABEL, statusTone } from "../../lib/status";
import { formatAbsolute, formatDuration, formatShort, now } from "../../lib/time";
import "./runs-timeline.css";
import { layoutRunsTimeline } from "./timeline-layout";

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function RunsTimeline({ runs }: { runs: Run[] }) {
  const { t0, t1, rows } = layoutRunsTimeline(runs, now.value);
  const span = t1 - t0;
  const pct = (t: number) => (100 * (t - t0)) / span;
  return (
    <div class="runs-timeline" data-testid="runs-timeline">
      <div class="rt-row rt-axis">
        <div class="rt-label" />
        <div class="rt-track">
          {TICKS.map((f) => (
            <span key={f} class="rt-tick" style={{ left: `${f * 100}%` }}>
              {formatShort(t0 + f * span)}
            </span>
          ))}
        </div>
      </div>
      {rows.map((row) => (
        <div key={row.key} class="rt-row" data-testid="runs-timeline-row" data-job={row.job}>
          <div class="rt-label mono" title={row.key}>
            <Link href={`/jobs/${encodeURIComponent(row.location)}/${encodeURIComponent(row.job)}`}>{row.job}</Link>
          </div>
          <div class="rt-track">
            {row.bars.map(({ run, start, end }) => (
              <Link
                key={run.id}
                href={`/runs/${run.id}`}
                class={`rt-bar tone-${statusTone(run.status)}`}
                data-testid="runs-timeline-bar"
                data-run-id={run.id}
                data-status={run.status}
                style={{ left: `${pct(start)}%`, width: `max(4px, ${pct(end) - pct(start)}%)` }}
                aria-label={`Run ${shortRunId(run.id)} of ${run.job}: ${STATUS_LABEL[run.status]}, ${formatDuration(end - start)}`}
                title={`${shortRunId(run.id)} · ${STATUS_LABEL[run.status]} · ${formatAbsolute(start)} · ${formatDuration(end - start)}`}
              />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
