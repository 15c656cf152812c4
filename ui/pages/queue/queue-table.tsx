/**
 * The queue in launch order: position, run, job, priority (edited in place), how long it has
 * waited, its estimated start, and why it waits; "Run next" moves a run to the front.
 */
import { useSignal } from "@preact/signals";
import type { QueuedRunView } from "../../../protocol/queue";
import { TAG } from "../../../protocol/tags";
import { errorMessage } from "../../api/client";
import { updateQueuedRun } from "../../api/queue";
import { Link } from "../../components/link";
import { TagList } from "../../components/tags";
import { Duration, RelativeTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import { now } from "../../lib/time";
import { PriorityCell } from "./priority-cell";
import { WaitReason } from "./wait-reason";

/** The priority tag has its own column. */
export function withoutPriorityTag(tags: Record<string, string>): Record<string, string> {
  const { [TAG.priority]: _priority, ...rest } = tags;
  return rest;
}

function EstimatedStart({ run }: { run: QueuedRunView }) {
  const at = run.estimated_start_at;
  if (at === null) {
    const byOperator = run.wait.reason === "paused" || run.wait.reason === "blocked_by_zero_limit";
    return byOperator ? (
      <span class="muted" title="It starts only once an operator resumes the queue or raises the limit.">
        when unblocked
      </span>
    ) : (
      <span
        class="muted"
        title="No basis for an estimate: no run has finished yet, or a run holding its slot has already run longer than runs typically take."
      >
        unknown
      </span>
    );
  }
  if (at <= now.value) return <span title="Its slot should free up at any moment.">any moment</span>;
  return (
    <span class="estimate">
      ~<RelativeTime ms={at} />
    </span>
  );
}

/**
 * "Run next" raises the run's priority to one above the highest queued (what the API's
 * move_to_front does), so the button says so, and afterwards says from what to what.
 */
function RunNextButton({ run, onChanged }: { run: QueuedRunView; onChanged: OnChanged }) {
  const busy = useSignal(false);
  return (
    <button
      type="button"
      class="btn btn-small"
      disabled={busy.value || run.position === 1}
      title={
        run.position === 1
          ? "Already first in line"
          : "Raise its priority to one above the highest queued, so it launches next"
      }
      aria-label={`Run next: raise the priority of run ${shortRunId(run.run_id)} above every queued run`}
      data-testid="queue-run-next"
      onClick={async () => {
        busy.value = true;
        try {
          const updated = await updateQueuedRun(run.run_id, { move_to_front: true });
          onChanged(
            null,
            `Run ${shortRunId(run.run_id)} moved to the front: its priority went from ${run.priority} to ${updated.priority}.`,
          );
        } catch (err) {
          onChanged(`Could not move run ${shortRunId(run.run_id)} to the front: ${errorMessage(err)}`);
        } finally {
          busy.value = false;
        }
      }}
    >
      Run next
    </button>
  );
}

type OnChanged = (error: string | null, info?: string) => void;

type Props = {
  runs: QueuedRunView[];
  inProgressIds: readonly string[];
  onChanged: OnChanged;
};

export function QueueTable({ runs, inProgressIds, onChanged }: Props) {
  return (
    <table class="table queue-table" data-testid="queue-table">
      <thead>
        <tr>
          <th class="right w-pos">#</th>
          <th>Run</th>
          <th>Job</th>
          <th class="right">Priority</th>
          <th class="right">Waiting</th>
          <th>Starts</th>
          <th>Why it waits</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr
            key={run.run_id}
            data-testid="queue-row"
            data-run-id={run.run_id}
            data-position={run.position}
            data-reason={run.wait.reason}
          >
            <td class="right num muted">{run.position}</td>
            <td class="nowrap">
              <Link href={`/runs/${run.run_id}`} class="mono" data-testid="queue-run-link">
                {shortRunId(run.run_id)}
              </Link>
            </td>
            <td class="queue-job">
              <div class="nowrap">
                {run.job === null || run.location === null ? (
                  <span class="muted">—</span>
                ) : (
                  <>
                    <Link href={`/jobs/${run.location}/${run.job}`}>{run.job}</Link>
                    <span class="muted"> @ {run.location}</span>
                  </>
                )}
              </div>
              <div class="queue-tags">
                <TagList tags={withoutPriorityTag(run.tags)} max={3} />
              </div>
            </td>
            <td class="right">
              <PriorityCell runId={run.run_id} priority={run.priority} onChanged={() => onChanged(null)} />
              {run.priority_warning && (
                <div class="field-error" data-testid="queue-priority-warning">
                  {run.priority_warning}
                </div>
              )}
            </td>
            <td class="right nowrap" title={`Queued ${new Date(run.enqueued_at).toLocaleString()}`}>
              <Duration start={run.enqueued_at} end={null} />
            </td>
            <td class="nowrap">
              <EstimatedStart run={run} />
            </td>
            <td>
              <WaitReason wait={run.wait} inProgressIds={inProgressIds} />
            </td>
            <td class="right">
              <RunNextButton run={run} onChanged={onChanged} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
