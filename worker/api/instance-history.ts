/**
 * `GET /api/instance/history`: who changed the instance's settings, when, and from what to what —
 * the audit rows the instance, pool and queue routes write with every change, read back for the
 * dashboard's instance page (Dagster keeps no such trail; the instance is a file there).
 */
import { Hono } from "hono";
import { type InstanceChange, InstanceHistoryQuerySchema, type InstanceHistoryReply } from "../../protocol/ui-api";
import type { AppEnv } from "../app-env";
import { parseOrFail } from "../http/read-json-body";
import { listInstanceAudit } from "../storage/instance-overrides-repo";

export const instanceHistoryRoutes = new Hono<AppEnv>().get("/history", async (c) => {
  const { limit } = parseOrFail(
    InstanceHistoryQuerySchema,
    { limit: c.req.query("limit") },
    "The query string is not valid",
  );
  const rows = await listInstanceAudit(c.get("deps").db, limit);
  const changes = rows.map(
    (row): InstanceChange => ({
      id: row.id,
      ts: row.ts,
      actor: row.actor,
      action: row.action as InstanceChange["action"],
      target: row.target,
      changes: Array.isArray(row.details?.changes) ? (row.details.changes as InstanceChange["changes"]) : [],
    }),
  );
  return c.json({ changes } satisfies InstanceHistoryReply);
});
