/**
 * `GET /api/runs/stats?hours=24`: the Overview's runs by status over the last hours, overall and
 * per hour. One grouped scan of the `created_at` index range, so it stays cheap with many runs.
 */
import { count, gte, sql } from "drizzle-orm";
import { Hono } from "hono";
import type { RunStats, RunStatus, StatusCounts } from "../../protocol";
import { RunStatsQuerySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { parseOrFail } from "../http/read-json-body";
import type { Database } from "../storage/db";
import { runs } from "../storage/schema";

const HOUR_MS = 3_600_000;

export async function runStats(db: Database, now: number, hours: number): Promise<RunStats> {
  const firstHour = Math.floor(now / HOUR_MS) - hours + 1;
  const since = firstHour * HOUR_MS;
  const hour = sql<number>`${runs.createdAt} / ${HOUR_MS}`;
  const rows = await db
    .select({ status: runs.status, hour, n: count() })
    .from(runs)
    .where(gte(runs.createdAt, since))
    .groupBy(runs.status, hour);
  const totals: StatusCounts = {};
  const buckets = Array.from({ length: hours }, (_, i) => ({
    start: (firstHour + i) * HOUR_MS,
    counts: {} as StatusCounts,
  }));
  for (const row of rows) {
    const status: RunStatus = row.status;
    totals[status] = (totals[status] ?? 0) + row.n;
    const bucket = buckets[Math.floor(Number(row.hour)) - firstHour];
    if (bucket) bucket.counts[status] = (bucket.counts[status] ?? 0) + row.n;
  }
  return { since, until: now, totals, buckets };
}

export const runStatsRoutes = new Hono<AppEnv>().get("/stats", async (c) => {
  const { hours } = parseOrFail(RunStatsQuerySchema, { hours: c.req.query("hours") }, "The query string is not valid");
  const services = c.get("deps");
  return c.json(await runStats(services.db, services.now(), hours));
});
