/**
 * The instance config overrides an admin saved (DESIGN.md §4, the third layer) and the audit log.
 * Saving the overrides and its audit row is one batch: a change is never applied unrecorded.
 */
import { desc, eq, inArray } from "drizzle-orm";
import type { InstanceConfigOverrides, JsonObject } from "../../protocol";
import { INSTANCE_AUDIT_ACTIONS } from "../../protocol/ui-api";
import type { BatchStatement, Database } from "./db";
import { runBatch } from "./db";
import { auditLog, instanceOverrides } from "./schema";

const ROW_ID = 1;

export type AuditEntry = { ts: number; actor: string; action: string; target?: string | null; details?: JsonObject };

/** The saved overrides as stored (not yet validated), or null when none were ever saved. */
export async function readInstanceOverrides(db: Database): Promise<unknown> {
  const row = await instanceOverridesQuery(db).get();
  return row ? row.overrides : null;
}

/** The read of `readInstanceOverrides`, to put in a batch with other reads (a submit's). */
export function instanceOverridesQuery(db: Database) {
  return db
    .select({ overrides: instanceOverrides.overrides })
    .from(instanceOverrides)
    .where(eq(instanceOverrides.id, ROW_ID));
}

export function auditStatement(db: Database, entry: AuditEntry): BatchStatement {
  return db.insert(auditLog).values({
    ts: entry.ts,
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? null,
  });
}

export async function appendAudit(db: Database, entry: AuditEntry): Promise<void> {
  await runBatch(db, [auditStatement(db, entry)]);
}

export async function saveInstanceOverrides(
  db: Database,
  overrides: InstanceConfigOverrides,
  audit: AuditEntry,
): Promise<void> {
  await runBatch(db, [
    db
      .insert(instanceOverrides)
      .values({ id: ROW_ID, overrides, updatedAt: audit.ts, updatedBy: audit.actor })
      .onConflictDoUpdate({
        target: instanceOverrides.id,
        set: { overrides, updatedAt: audit.ts, updatedBy: audit.actor },
      }),
    auditStatement(db, audit),
  ]);
}

/** The newest audit rows about the instance's settings (INSTANCE_AUDIT_ACTIONS), newest first. */
export async function listInstanceAudit(db: Database, limit: number): Promise<(typeof auditLog.$inferSelect)[]> {
  return db
    .select()
    .from(auditLog)
    .where(inArray(auditLog.action, [...INSTANCE_AUDIT_ACTIONS]))
    .orderBy(desc(auditLog.ts), desc(auditLog.id))
    .limit(limit);
}
