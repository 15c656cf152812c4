/**
 * A queued run's priority changed (`PATCH /api/runs/:id`), for the run coordinator object: the new
 * priority (queue-policy.ts `priorityAfterChange`) saved in D1 first — only while the run is still
 * QUEUED there — then in the object's queue, unless an admission or a cancel took the run while D1
 * was written. The object admits afterwards.
 */
import { TAG } from "../../../protocol";
import type { Database } from "../../storage/db";
import { saveRunPriority } from "../../storage/run-priority-repo";
import { priorityAfterChange } from "./queue-policy";
import type { QueueStore } from "./queue-store";

/** The new priority, or null when the run is not queued. */
export async function changeQueuedPriority(
  store: QueueStore,
  db: () => Promise<Database>,
  runId: string,
  change: { priority: number } | { moveToFront: true },
  now: number,
): Promise<number | null> {
  const queued = store.getQueued(runId);
  if (!queued) return null;
  const priority = priorityAfterChange(change, queued, store.firstQueued());
  const tags = { ...queued.tags, [TAG.priority]: String(priority) };
  if (!(await saveRunPriority(await db(), runId, priority, tags, now))) return null;
  if (!store.getQueued(runId)) return null; // admitted or canceled while D1 was written
  store.setPriority(runId, priority, tags);
  return priority;
}
