/**
 * `GET /api/runs`'s query (Dagster's RunsFilter): filters by status, location, job, tags and
 * creation time, newest first, paged by keyset over (created_at, id). Every filter leads into an
 * index ending in (created_at, id) — see schema.ts — so a page costs one index range, however many
 * runs the instance holds.
 */

import type { SQL } from "drizzle-orm";
import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Run, RunListQuery } from "../../protocol";
import type { RunCursor } from "../runs/run-cursor";
import type { Database } from "./db";
import { toRun } from "./runs-repo";
import { runs, runTags } from "./schema";

export type RunPage = { runs: Run[]; last: RunCursor | null };

/** `key=value` → [key, value], split at the first `=` (values may contain more). */
export function parseTagFilter(filter: string): [string, string] {
  const at = filter.indexOf("=");
  return [filter.slice(0, at), filter.slice(at + 1)];
}

export async function listRuns(db: Database, query: RunListQuery, after: RunCursor | null): Promise<RunPage> {
  const conditions: SQL[] = [];
  if (query.status && query.status.length > 0) conditions.push(inArray(runs.status, query.status));
  if (query.location !== undefined) conditions.push(eq(runs.location, query.location));
  if (query.job !== undefined) conditions.push(eq(runs.job, query.job));
  for (const filter of query.tag ?? []) {
    const [key, value] = parseTagFilter(filter);
    const tagged = db
      .select({ runId: runTags.runId })
      .from(runTags)
      .where(and(eq(runTags.key, key), eq(runTags.value, value)));
    conditions.push(inArray(runs.id, tagged));
  }
  if (query.created_after !== undefined) conditions.push(gt(runs.createdAt, query.created_after));
  if (query.created_before !== undefined) conditions.push(lt(runs.createdAt, query.created_before));
  if (after) conditions.push(sql`(${runs.createdAt}, ${runs.id}) < (${after.createdAt}, ${after.id})`);

  // One row more than asked says whether there is a next page without a COUNT.
  const rows = await db
    .select()
    .from(runs)
    .where(and(...conditions))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const lastRow = page.at(-1);
  const hasMore = rows.length > query.limit;
  return {
    runs: page.map(toRun),
    last: hasMore && lastRow ? { createdAt: lastRow.createdAt, id: lastRow.id } : null,
  };
}
