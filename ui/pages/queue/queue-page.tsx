/**
 * Queue (DESIGN.md §8): every queued run in launch order with its position, how long it has
 * waited, when it should start and exactly why it waits; how full each limit is; priority and
 * "run next" per run; the limits edited in place; pause and resume; the code locations whose
 * server could not be reached, and when their runs are tried again. Live: polls every second,
 * so it keeps up across a control plane restart like every other page.
 */
import { useSignal } from "@preact/signals";
import { errorMessage } from "../../api/client";
import { getInstance } from "../../api/endpoints";
import { getQueue, patchInstance, setQueuePaused } from "../../api/queue";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { AbsoluteTime } from "../../components/time";
import { usePoll } from "../../stores/poll";
import { InProgressCard } from "./in-progress-card";
import { LimitsCard } from "./limits-card";
import { QueueTable } from "./queue-table";
import "./queue.css";

const PAGE_SIZE = 100;

export default function QueuePage() {
  const offset = useSignal(0);
  const poll = usePoll(
    async (signal) => {
      const [queue, instance] = await Promise.all([getQueue(offset.value, PAGE_SIZE, signal), getInstance(signal)]);
      return { queue, instance };
    },
    [offset.value],
  );
  const actionError = useSignal<string | null>(null);
  const actionInfo = useSignal<string | null>(null);
  const toggling = useSignal(false);
  const data = poll.data.value;
  const queue = data?.queue;

  const afterChange = (error: string | null, info?: string) => {
    actionError.value = error;
    actionInfo.value = info ?? null;
    poll.refresh();
  };
  const togglePause = async () => {
    if (!queue) return;
    toggling.value = true;
    try {
      // A pause written in the instance config is lifted there; an operator's pause, by resuming.
      if (queue.paused_by === "instance_config") await patchInstance({ run_coordinator: { paused: false } });
      else await setQueuePaused(!queue.paused);
      afterChange(null);
    } catch (err) {
      afterChange(`Could not ${queue.paused ? "resume" : "pause"} the queue: ${errorMessage(err)}`);
    } finally {
      toggling.value = false;
    }
  };

  const inProgressIds = queue?.in_progress.map((run) => run.run_id) ?? [];
  return (
    <div class="page" data-testid="queue-page">
      <PageHeader
        title="Queue"
        sub={
          queue ? (
            <span data-testid="queue-summary">
              {queue.total_queued} queued · {queue.in_progress.length} in progress · launch order: higher priority
              first, then first in, first out.
            </span>
          ) : (
            "Runs waiting to launch, in launch order."
          )
        }
        actions={
          queue ? (
            <>
              <span
                class={`badge ${queue.paused ? "tone-warn" : "tone-ok"}`}
                data-testid="queue-state"
                data-paused={String(queue.paused)}
              >
                <span class="dot" />
                {queue.paused ? "Paused" : "Launching"}
              </span>
              <button
                type="button"
                class={`btn${queue.paused ? " btn-primary" : ""}`}
                disabled={toggling.value}
                data-testid="queue-pause-toggle"
                onClick={() => void togglePause()}
              >
                {queue.paused ? "Resume queue" : "Pause queue"}
              </button>
            </>
          ) : null
        }
      />
      <ErrorNotice error={poll.error.value} title="The queue could not be loaded." />
      {actionError.value ? (
        <div class="notice notice-error" role="alert" data-testid="queue-action-error">
          {actionError.value}
        </div>
      ) : null}
      {actionInfo.value ? (
        <div class="notice" role="status" data-testid="queue-action-info">
          {actionInfo.value}
        </div>
      ) : null}
      {queue?.paused ? (
        <div class="notice notice-warn" data-testid="queue-paused-notice">
          {queue.paused_by === "instance_config" ? (
            <>
              The queue is paused by the instance config (<span class="mono">run_coordinator.paused</span>). Runs are
              accepted and queued; none launches. Resuming saves an override that lifts it.
            </>
          ) : (
            <>The queue is paused: runs are accepted and queued, none launches until it is resumed.</>
          )}
        </div>
      ) : null}
      {queue?.unreachable_locations.map((paused) => (
        <div
          key={paused.location}
          class="notice notice-warn"
          data-testid="queue-unreachable-location"
          data-location={paused.location}
        >
          Code location <span class="mono">{paused.location}</span> unreachable since <AbsoluteTime ms={paused.since} />
          , next try at <AbsoluteTime ms={paused.next_try_at} />: its runs wait in the queue, in their places, while
          other locations' runs launch. Last error: {paused.error}
        </div>
      ))}
      {queue === undefined || data === undefined ? (
        poll.error.value ? null : (
          <Loading what="the queue" />
        )
      ) : (
        <>
          <div class="grid-2">
            <LimitsCard
              limits={queue.limits}
              inProgressIds={inProgressIds}
              config={data.instance.config.run_coordinator}
              sources={data.instance.sources}
              onSaved={() => afterChange(null)}
            />
            <InProgressCard runs={queue.in_progress} />
          </div>
          <section class="card card-flush">
            <h2 class="card-title">
              Waiting <span class="muted small num">{queue.total_queued}</span>
            </h2>
            {queue.queued.length === 0 ? (
              <EmptyState title="Nothing is waiting" testId="queue-empty">
                {queue.coordinator === "default"
                  ? "The run coordinator is “default”: runs launch as soon as they are submitted and never wait here. Set run_coordinator.type to “queued” to use the queue."
                  : offset.value > 0
                    ? "No runs on this page of the queue; go back to the first page."
                    : "Every submitted run has launched. Runs appear here while a limit or a pause holds them back."}
              </EmptyState>
            ) : (
              <QueueTable runs={queue.queued} inProgressIds={inProgressIds} onChanged={afterChange} />
            )}
          </section>
          {queue.total_queued > PAGE_SIZE || offset.value > 0 ? (
            <div class="pager">
              <span class="muted">
                {offset.value + 1}–{offset.value + queue.queued.length} of {queue.total_queued}
              </span>
              <button
                type="button"
                class="btn btn-small"
                disabled={offset.value === 0}
                onClick={() => {
                  offset.value = Math.max(0, offset.value - PAGE_SIZE);
                }}
              >
                ← Earlier
              </button>
              <button
                type="button"
                class="btn btn-small"
                disabled={offset.value + PAGE_SIZE >= queue.total_queued}
                onClick={() => {
                  offset.value += PAGE_SIZE;
                }}
              >
                Later →
              </button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
