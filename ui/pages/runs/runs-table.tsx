/** The runs table: one row per run, selectable when it can still be terminated, with what launched it. */
import type { Run } from "../../../protocol/run";
import { isTerminalStatus } from "../../../protocol/run";
import { Link } from "../../components/link";
import { StatusBadge } from "../../components/status-badge";
import { TagList } from "../../components/tags";
import { Duration, RelativeTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import { LaunchedBy } from "./launched-by";

type Props = {
  runs: Run[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (ids: string[]) => void;
  onPickTag: (tag: string) => void;
};

export function RunsTable({ runs, selected, onToggle, onToggleAll, onPickTag }: Props) {
  const selectable = runs.filter((r) => !isTerminalStatus(r.status)).map((r) => r.id);
  const allSelected = selectable.length > 0 && selectable.every((id) => selected.has(id));
  return (
    <table class="table runs-table" data-testid="runs-table">
      <thead>
        <tr>
          <th class="w-check">
            <input
              type="checkbox"
              aria-label="Select all runs that can be terminated"
              checked={allSelected}
              disabled={selectable.length === 0}
              data-testid="runs-select-all"
              onChange={() => onToggleAll(allSelected ? [] : selectable)}
            />
          </th>
          <th>Run</th>
          <th>Job</th>
          <th>Code location</th>
          <th>Status</th>
          <th>Launched by</th>
          <th>Created</th>
          <th>Started</th>
          <th class="right">Duration</th>
          <th>Tags</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const terminal = isTerminalStatus(run.status);
          return (
            <tr
              key={run.id}
              data-testid="run-row"
              data-run-id={run.id}
              data-status={run.status}
              class={selected.has(run.id) ? "selected" : ""}
            >
              <td class="w-check">
                <input
                  type="checkbox"
                  aria-label={`Select run ${run.id}`}
                  checked={selected.has(run.id)}
                  disabled={terminal}
                  title={terminal ? "This run has ended" : undefined}
                  data-testid="run-row-select"
                  onChange={() => onToggle(run.id)}
                />
              </td>
              <td>
                <Link href={`/runs/${run.id}`} class="mono" data-testid="run-link">
                  {shortRunId(run.id)}
                </Link>
              </td>
              <td>
                <Link href={`/jobs/${run.location}/${run.job}`}>{run.job}</Link>
              </td>
              <td class="muted">
                {run.location}
                {run.agent ? (
                  <div class="small mono" title={run.agent.host} data-testid="run-row-agent">
                    on {run.agent.id}
                  </div>
                ) : null}
              </td>
              <td>
                <StatusBadge status={run.status} testId="run-row-status" />
              </td>
              <td class="nowrap">
                <LaunchedBy run={run} />
              </td>
              <td class="nowrap">
                <RelativeTime ms={run.created_at} />
              </td>
              <td class="nowrap">
                <RelativeTime ms={run.started_at} />
              </td>
              <td class="right nowrap">
                <Duration start={run.started_at} end={run.ended_at} />
              </td>
              <td class="tags-cell">
                <TagList tags={run.tags} max={4} onPick={onPickTag} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
