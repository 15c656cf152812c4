/** Reads the audit log (schema-coordinator.ts `auditLog`) for `GET /api/audit`, newest (highest id) first. */
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { AuditQuery } from "../../protocol";
import type { Database } from "./db";
import { auditLog } from "./schema";

/** `actor` matches anywhere in the name, as typed: LIKE's wildcards in it are escaped. */
function actorContains(text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`${auditLog.actor} LIKE ${pattern} ESCAPE '\\'`;
}

export async function listAudit(db: Database, query: AuditQuery) {
  const where: SQL[] = [];
  if (query.actor) where.push(actorContains(query.actor));
  if (query.action) where.push(eq(auditLog.action, query.action));
  if (query.since !== undefined) where.push(gte(auditLog.ts, query.since));
  if (query.until !== undefined) where.push(lt(auditLog.ts, query.until));
  if (query.before !== undefined) where.push(lt(auditLog.id, query.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
