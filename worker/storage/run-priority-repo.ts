/**
 * A queued run's priority in the record: `runs.priority`, the `flightdeck/priority` tag in the
 * run's tags and in run_tags, in one batch, and only while the run is still QUEUED.
 */
import { and, eq } from "drizzle-orm";
import { TAG, type Tags } from "../../protocol";
import type { Database } from "./db";
import { runBatch } from "./db";
import { runs, runTags } from "./schema";

/** Returns false when the run was no longer QUEUED: the change lost to a launch or a cancel. */
export async function saveRunPriority(db: Database, runId: string, priority: number, tags: Tags, now: number) {
  const [changed] = await runBatch(db, [
    db
      .update(runs)
      .set({ priority, tags, updatedAt: now })
      .where(and(eq(runs.id, runId), eq(runs.status, "QUEUED")))
      .returning({ id: runs.id }),
    db
      .insert(runTags)
      .values({ runId, key: TAG.priority, value: String(priority) })
      .onConflictDoUpdate({ target: [runTags.runId, runTags.key], set: { value: String(priority) } }),
  ]);
  return Array.isArray(changed) && changed.length > 0;
}
