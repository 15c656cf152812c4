/**
 * A run's lineage and retry chain: the root run and every re-execution of it, oldest first, this
 * run marked. Each run says what it is — the root, retry N (run retries, `flightdeck/retry_number`)
 * or a re-execution (a person's) — and which run it re-executed (`flightdeck/parent_run_id`); the
 * steps this run was asked to execute when it is a re-execution. Hidden for a run that has neither
 * a parent nor children.
 */
import { TAG } from "../../../protocol/tags";
import { getRunLineage } from "../../api/executors";
import { Link } from "../../components/link";
import { StatusBadge } from "../../components/status-badge";
import { shortRunId } from "../../lib/run-id";
import { usePoll } from "../../stores/poll";

const short = shortRunId;

function RunRef({ id, current }: { id: string; current: string }) {
  return id === current ? (
    <strong class="mono">{short(id)}</strong>
  ) : (
    <Link href={`/runs/${id}`} class="mono">
      {short(id)}
    </Link>
  );
}

export function RunLineage({ runId, live }: { runId: string; live: boolean }) {
  const lineage = usePoll((signal) => getRunLineage(runId, signal), [runId], { intervalMs: live ? 1000 : 5000 });
  const data = lineage.data.value;
  if (!data || data.runs.length <= 1) return null;
  const retries = data.runs.filter((r) => r.tags[TAG.retryNumber] !== undefined).length;
  return (
    <section class="card" data-testid="run-lineage">
      <h2>{retries > 0 ? "Retry chain" : "Lineage"}</h2>
      {retries > 0 ? (
        <p class="small muted" data-testid="run-retry-summary">
          {retries === 1 ? "1 retry" : `${retries} retries`} by run retries; each run re-executes the one before it.
        </p>
      ) : null}
      {data.plan ? (
        <p class="small muted" data-testid="run-step-selection">
          Re-execution ({data.plan.strategy}) of <span class="mono">{short(data.plan.parent_run_id)}</span>: steps{" "}
          <span class="mono">{data.plan.step_keys.join(", ")}</span>
        </p>
      ) : null}
      <ol style={{ margin: 0, paddingLeft: "1.25rem" }}>
        {data.runs.map((r) => {
          const retryNumber = r.tags[TAG.retryNumber];
          const kind =
            r.parent_run_id === null ? "root" : retryNumber !== undefined ? `retry ${retryNumber}` : "re-execution";
          return (
            <li
              key={r.id}
              data-testid="lineage-run"
              data-current={r.id === runId ? "true" : "false"}
              data-kind={r.parent_run_id === null ? "root" : retryNumber !== undefined ? "retry" : "reexecution"}
              data-retry-number={retryNumber ?? ""}
            >
              <span class="muted small" data-testid="lineage-kind">
                {kind}{" "}
              </span>
              <RunRef id={r.id} current={runId} /> <StatusBadge status={r.status} />
              {r.parent_run_id !== null ? (
                <span class="muted small">
                  {" "}
                  of <RunRef id={r.parent_run_id} current={runId} />
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
