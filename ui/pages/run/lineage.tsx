/**
 * A run's lineage: the root run and every re-execution of it, oldest first, this run marked, with
 * the steps this run was asked to execute when it is a re-execution. Hidden for a run that has
 * neither a parent nor children.
 */
import { getRunLineage } from "../../api/executors";
import { Link } from "../../components/link";
import { StatusBadge } from "../../components/status-badge";
import { usePoll } from "../../stores/poll";

export function RunLineage({ runId, live }: { runId: string; live: boolean }) {
  const lineage = usePoll((signal) => getRunLineage(runId, signal), [runId], { intervalMs: live ? 1000 : 5000 });
  const data = lineage.data.value;
  if (!data || data.runs.length <= 1) return null;
  return (
    <section class="card" data-testid="run-lineage">
      <h2>Lineage</h2>
      {data.plan ? (
        <p class="small muted" data-testid="run-step-selection">
          Re-execution ({data.plan.strategy}) of <span class="mono">{data.plan.parent_run_id.slice(0, 8)}</span>: steps{" "}
          <span class="mono">{data.plan.step_keys.join(", ")}</span>
        </p>
      ) : null}
      <ol style={{ margin: 0, paddingLeft: "1.25rem" }}>
        {data.runs.map((r, i) => (
          <li key={r.id} data-testid="lineage-run" data-current={r.id === runId ? "true" : "false"}>
            {i === 0 ? <span class="muted small">root </span> : null}
            {r.id === runId ? (
              <strong class="mono">{r.id.slice(0, 8)}</strong>
            ) : (
              <Link href={`/runs/${r.id}`} class="mono">
                {r.id.slice(0, 8)}
              </Link>
            )}{" "}
            <StatusBadge status={r.status} />
          </li>
        ))}
      </ol>
    </section>
  );
}
