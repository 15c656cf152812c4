/**
 * One admission pass of the run coordinator: the queue-policy decision fed the way its docblock
 * asks — a lazy cursor over the object's launch-order index, with the runs carrying a full limit's
 * tag left out by the query — and its result saved (queued → in progress, `launching`) in one
 * storage transaction. Synchronous: no other request runs between the decision and the save.
 * The Durable Object calls it and dispatches the launches; the bench calls it alone.
 */
import type { RunCoordinatorConfig } from "../../protocol";
import { countInProgressRuns } from "./limits";
import { selectRunsToLaunch } from "./queue-policy";
import type { QueueStore, StoredQueuedRun } from "./queue-store";

export function runAdmissionPass(store: QueueStore, config: RunCoordinatorConfig, now: number): StoredQueuedRun[] {
  const inProgress = store.inProgress();
  const filter = config.type === "queued" ? countInProgressRuns(config, inProgress).blockedTagFilter() : null;
  const read = new Map<string, StoredQueuedRun>();
  function* cursor() {
    for (const run of store.queuedInOrder(filter)) {
      read.set(run.id, run);
      yield run;
    }
  }
  const { launch } = selectRunsToLaunch({ queued: cursor(), inProgress, config, paused: store.isPaused() });
  const admitted = launch.flatMap((run) => read.get(run.id) ?? []);
  if (admitted.length > 0) store.admit(admitted, now);
  return admitted;
}
