/** The runs in progress: what holds the slots the queued runs wait for. */
import type { QueueReply } from "../../../protocol/queue";
import { Link } from "../../components/link";
import { TagList } from "../../components/tags";
import { Duration } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import { withoutPriorityTag } from "./queue-table";

export function InProgressCard({ runs }: { runs: QueueReply["in_progress"] }) {
  return (
    <section class="card card-flush" data-testid="in-progress-card">
      <h2 class="card-title">
        In progress <span class="muted small num">{runs.length}</span>
      </h2>
      {runs.length === 0 ? (
        <div class="empty-inline" data-testid="in-progress-empty">
          No run is in progress, so no slot is taken.
        </div>
      ) : (
        <div class="in-progress-scroll">
          <table class="table">
            <tbody>
              {runs.map((run) => (
                <tr key={run.run_id} data-testid="in-progress-row" data-run-id={run.run_id}>
                  <td class="nowrap">
                    <Link href={`/runs/${run.run_id}`} class="mono">
                      {shortRunId(run.run_id)}
                    </Link>
                  </td>
                  <td class="nowrap">
                    {run.job === null || run.location === null ? (
                      <span class="muted">—</span>
                    ) : (
                      <>
                        <Link href={`/jobs/${run.location}/${run.job}`}>{run.job}</Link>
                        <span class="muted"> @ {run.location}</span>
                      </>
                    )}
                  </td>
                  <td class="tags-cell">
                    <TagList tags={withoutPriorityTag(run.tags)} max={3} />
                  </td>
                  <td class="right nowrap" title="Since launch">
                    <Duration start={run.launched_at} end={null} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
