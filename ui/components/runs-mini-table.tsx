/** A compact list of runs (Overview): status, job, when, how long. */
import type { Run } from "../../protocol/run";
import { shortRunId } from "../lib/run-id";
import { Link } from "./link";
import { StatusBadge } from "./status-badge";
import { Duration, RelativeTime } from "./time";

export function RunsMiniTable({ runs, testId }: { runs: Run[]; testId: string }) {
  return (
    <table class="table" data-testid={testId}>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-testid="mini-run-row">
            <td class="w-status">
              <StatusBadge status={run.status} />
            </td>
            <td>
              <Link href={`/runs/${run.id}`} class="mono">
                {shortRunId(run.id)}
              </Link>
            </td>
            <td>
              <Link href={`/jobs/${run.location}/${run.job}`}>{run.job}</Link>
              <span class="muted small"> @ {run.location}</span>
            </td>
            <td class="right">
              <RelativeTime ms={run.started_at ?? run.created_at} />
            </td>
            <td class="right">
              <Duration start={run.started_at} end={run.ended_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
