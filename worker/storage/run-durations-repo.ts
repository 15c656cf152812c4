/** Recent run durations, for the queue's start estimates: the last successful runs, newest first. */
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "./db";
import { runs } from "./schema";

export async function recentRunDurationsMs(db: Database, limit = 50): Promise<number[]> {
  const rows = await db
    .select({ startedAt: runs.startedAt, endedAt: runs.endedAt })
    .from(runs)
    .where(and(eq(runs.status, "SUCCESS"), isNotNull(runs.startedAt), isNotNull(runs.endedAt)))
    .orderBy(desc(runs.createdAt))
    .limit(limit);
  return rows.flatMap((row) => (row.startedAt !== null && row.endedAt !== null ? [row.endedAt - row.startedAt] : []));
}
