/**
 * Overview: runs by status over the last 24 hours (totals and an hourly stacked bar chart), what
 * is running now, and the latest failures. Everything polls, so it is live.
 */
import type { RunStatus } from "../../protocol/run";
import type { RunStats, StatusCounts } from "../../protocol/ui-api";
import { getRunStats, listRuns } from "../api/endpoints";
import { Link } from "../components/link";
import { EmptyState, ErrorNotice, Loading } from "../components/notices";
import { PageHeader } from "../components/page-header";
import { RunsMiniTable } from "../components/runs-mini-table";
import { STATUS_LABEL, STATUS_ORDER, statusTone } from "../lib/status";
import { formatAbsolute, formatHour } from "../lib/time";
import { usePoll } from "../stores/poll";

const RUNNING: RunStatus[] = ["STARTING", "STARTED", "CANCELING"];

function total(counts: StatusCounts): number {
  let n = 0;
  for (const s of STATUS_ORDER) n += counts[s] ?? 0;
  return n;
}

function StatusTotals({ stats }: { stats: RunStats }) {
  return (
    <div class="stat-row" data-testid="overview-totals">
      <div class="stat">
        <div class="stat-value">{total(stats.totals)}</div>
        <div class="stat-label">Runs in 24 h</div>
      </div>
      {STATUS_ORDER.filter((s) => (stats.totals[s] ?? 0) > 0 || ["SUCCESS", "FAILURE", "STARTED"].includes(s)).map(
        (s) => (
          <Link key={s} href={`/runs?status=${s}`} class="stat stat-link" data-testid={`overview-count-${s}`}>
            <div class="stat-value">{stats.totals[s] ?? 0}</div>
            <div class="stat-label">
              <span class={`dot tone-${statusTone(s)}`} /> {STATUS_LABEL[s]}
            </div>
          </Link>
        ),
      )}
    </div>
  );
}

function HourlyChart({ stats }: { stats: RunStats }) {
  const max = Math.max(1, ...stats.buckets.map((b) => total(b.counts)));
  return (
    <div class="chart" data-testid="overview-chart">
      <div class="chart-bars">
        {stats.buckets.map((b) => {
          const n = total(b.counts);
          const title = `${formatAbsolute(b.start)}: ${n} run${n === 1 ? "" : "s"}${STATUS_ORDER.filter(
            (s) => b.counts[s],
          )
            .map((s) => `\n${STATUS_LABEL[s]}: ${b.counts[s]}`)
            .join("")}`;
          return (
            <div key={b.start} class="chart-col" title={title}>
              <div class="chart-stack" style={{ height: `${(100 * n) / max}%` }}>
                {STATUS_ORDER.filter((s) => b.counts[s]).map((s) => (
                  <div key={s} class={`chart-seg fill-${statusTone(s)}`} style={{ flexGrow: b.counts[s] ?? 0 }} />
                ))}
              </div>
            </div>
          );
        })}
      </div>
      <div class="chart-axis">
        <span>{stats.buckets[0] ? formatHour(stats.buckets[0].start) : ""}</span>
        <span>now</span>
      </div>
    </div>
  );
}

export default function OverviewPage() {
  const stats = usePoll((signal) => getRunStats(24, signal), []);
  const running = usePoll((signal) => listRuns({ status: RUNNING, limit: 20 }, signal), []);
  const failures = usePoll((signal) => listRuns({ status: ["FAILURE"], limit: 8 }, signal), []);

  return (
    <div class="page" data-testid="overview-page">
      <PageHeader title="Overview" sub="The last 24 hours, live." />
      <section class="card">
        <h2>Runs by status</h2>
        <ErrorNotice error={stats.error.value} />
        {stats.data.value ? (
          <>
            <StatusTotals stats={stats.data.value} />
            <HourlyChart stats={stats.data.value} />
          </>
        ) : stats.error.value ? null : (
          <Loading what="run statistics" />
        )}
      </section>
      <div class="grid-2">
        <section class="card">
          <h2>
            Running now{" "}
            <Link href={`/runs?status=${RUNNING.join(",")}`} class="small">
              all
            </Link>
          </h2>
          <ErrorNotice error={running.error.value} />
          {running.data.value === undefined ? null : running.data.value.runs.length === 0 ? (
            <EmptyState title="Nothing is running" testId="overview-running-empty">
              Launch a job from <Link href="/jobs">Jobs</Link>.
            </EmptyState>
          ) : (
            <RunsMiniTable runs={running.data.value.runs} testId="overview-running" />
          )}
        </section>
        <section class="card">
          <h2>
            Recent failures{" "}
            <Link href="/runs?status=FAILURE" class="small">
              all
            </Link>
          </h2>
          <ErrorNotice error={failures.error.value} />
          {failures.data.value === undefined ? null : failures.data.value.runs.length === 0 ? (
            <EmptyState title="No failed runs" testId="overview-failures-empty" />
          ) : (
            <RunsMiniTable runs={failures.data.value.runs} testId="overview-failures" />
          )}
        </section>
      </div>
    </div>
  );
}
