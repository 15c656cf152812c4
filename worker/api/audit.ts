/**
 * `GET /api/audit`: the audit log — every change made through the API, each naming the token or
 * session that made it (auth/authorize.ts writes them) — newest first, filtered by actor, action
 * and time, paged by id.
 */
import { Hono } from "hono";
import { type AuditList, AuditQuerySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { parseOrFail } from "../http/read-json-body";
import { listAudit } from "../storage/audit-repo";

export const auditRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const query = parseOrFail(
    AuditQuerySchema,
    {
      actor: c.req.query("actor"),
      action: c.req.query("action"),
      since: c.req.query("since"),
      until: c.req.query("until"),
      before: c.req.query("before"),
      limit: c.req.query("limit"),
    },
    "The query string is not valid",
  );
  const rows = await listAudit(c.get("deps").db, query);
  const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
  return c.json({
    entries: rows.map((r) => ({
      id: r.id,
      ts: r.ts,
      actor: r.actor,
      action: r.action,
      target: r.target,
      details: r.details,
    })),
    next_before: last ? last.id : null,
  } satisfies AuditList);
});
