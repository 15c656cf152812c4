/**
 * Healing the run coordinator object's queue from D1, the source of truth (DESIGN.md §2): slots
 * of runs that ended without telling the object are freed, runs D1 holds in progress that the
 * object never heard of take a slot, and runs QUEUED in D1 that never reached the queue (a lost
 * enqueue) join it. Runs whose launch is under way are left to that launch (`launches`).
 */
import type { Database } from "../storage/db";
import { listInProgressForReconcile, listQueuedPage } from "../storage/runs-repo";
import { reconcileInProgress } from "./coordinator-decisions";
import type { QueueStore } from "./queue/queue-store";

/** Runs QUEUED in D1 adopted per reconciliation; the rest on the next. */
const ADOPT_PAGE = 500;

/** `eventsBase`: where run workers post events, for adopted runs when the queue has not noted it yet. */
export async function reconcileWithD1(
  store: QueueStore,
  db: Database,
  launches: { runIds(): ReadonlySet<string> },
  eventsBase: string | undefined,
): Promise<void> {
  const launching = launches.runIds(); // before D1 is read: a launch started since is not in its answer
  const { free, adopt } = reconcileInProgress(store.inProgress(), await listInProgressForReconcile(db), launching);
  store.free(free);
  for (const run of adopt) store.adopt(run);
  const queued = await listQueuedPage(db, ADOPT_PAGE);
  const launchingNow = launches.runIds();
  for (const run of queued) {
    const eventsUrl = store.eventsUrlFor(run.id, eventsBase);
    if (eventsUrl && !launchingNow.has(run.id)) store.enqueue({ ...run, enqueuedAt: run.createdAt, eventsUrl });
  }
}
