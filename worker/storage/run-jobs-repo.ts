/**
 * Which job each run of a list belongs to, for views that know runs only by id (the queue page:
 * the run coordinator object keeps ids and tags, not jobs). One read per 100 ids (D1's bound
 * parameter limit), all in parallel.
 */
import { inArray } from "drizzle-orm";
import { chunkForBoundParameters } from "./d1-limits";
import type { Database } from "./db";
import { runs } from "./schema";

export type RunJob = { readonly location: string; readonly job: string };

export async function findRunJobs(db: Database, runIds: readonly string[]): Promise<Map<string, RunJob>> {
  const unique = [...new Set(runIds)];
  const chunks = await Promise.all(
    chunkForBoundParameters(unique, 1).map((ids) =>
      db.select({ id: runs.id, location: runs.location, job: runs.job }).from(runs).where(inArray(runs.id, ids)),
    ),
  );
  return new Map(chunks.flat().map((row) => [row.id, { location: row.location, job: row.job }]));
}
