/**
 * The run page's "Daemon decisions" card: what run monitoring and run retries decided about this
 * run (and a run worker's death as its code location server reported it), newest last, each with
 * its attempt and a link to the retry it launched. The same events stay in the event log; this
 * card is where a person looks first to learn why a run failed, resumed or was retried.
 */
import { Link } from "../../components/link";
import { shortRunId } from "../../lib/run-id";
import { formatAbsolute, formatShort } from "../../lib/time";
import type { Decision } from "./decisions";

const SOURCE_LABEL: Record<Decision["source"], string> = {
  MONITORING: "Run monitoring",
  RETRIES: "Run retries",
  RUN_WORKER: "Run worker",
};

const VERDICT_LABEL: Record<string, string> = {
  FAIL: "Failed",
  CANCEL: "Canceled",
  RESUME: "Resumed",
  RETRY: "Retried",
  NO_RETRY: "Not retried",
  ERROR: "Retry failed",
  CRASHED: "Crashed",
};

export function DaemonDecisions({ decisions }: { decisions: readonly Decision[] }) {
  if (decisions.length === 0) return null;
  return (
    <section class="card" data-testid="run-decisions">
      <h2>Daemon decisions</h2>
      <table class="table">
        <tbody>
          {decisions.map((d) => (
            <tr key={d.id} data-testid="run-decision" data-source={d.source} data-verdict={d.verdict}>
              <td class="nowrap small">
                <time dateTime={new Date(d.ts).toISOString()} title={formatAbsolute(d.ts)}>
                  {formatShort(d.ts)}
                </time>
                <div class="muted">attempt {d.attempt}</div>
              </td>
              <td class="nowrap">
                <div class="small muted">{SOURCE_LABEL[d.source]}</div>
                <span class={`badge tone-${d.tone}`}>
                  <span class="dot" />
                  {VERDICT_LABEL[d.verdict] ?? d.verdict}
                </span>
              </td>
              <td>
                {d.message}
                {d.retryRunId ? (
                  <div class="small">
                    Retry run{" "}
                    <Link href={`/runs/${d.retryRunId}`} class="mono" data-testid="decision-retry-link">
                      {shortRunId(d.retryRunId)}
                    </Link>
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
