/**
 * Agent tokens in D1 (schema-agents.ts), kept the way API tokens are (access-repo.ts): created and
 * revoked with their audit row in one batch, found by the digest of their secret.
 */
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { AgentToken } from "../../protocol";
import type { Database } from "./db";
import { runBatch } from "./db";
import { type AuditEntry, auditStatement } from "./instance-overrides-repo";
import { agentTokens } from "./schema";

type AgentTokenRow = typeof agentTokens.$inferSelect;

const LAST_USED_RESOLUTION_MS = 60_000;

export function toAgentToken(row: AgentTokenRow): AgentToken {
  return {
    id: row.id,
    name: row.name,
    location: row.location,
    created_by: row.createdBy,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
  };
}

export async function insertAgentToken(db: Database, row: AgentTokenRow, audit: AuditEntry): Promise<void> {
  await runBatch(db, [db.insert(agentTokens).values(row), auditStatement(db, audit)]);
}

export async function listAgentTokens(db: Database): Promise<AgentToken[]> {
  const rows = await db.select().from(agentTokens).orderBy(desc(agentTokens.createdAt), desc(agentTokens.id));
  return rows.map(toAgentToken);
}

/** Revokes the token with its audit row; null when there is none, a revoked one as it is (nothing written). */
export async function revokeAgentToken(
  db: Database,
  id: string,
  now: number,
  audit: AuditEntry,
): Promise<AgentTokenRow | null> {
  const [row] = await db.select().from(agentTokens).where(eq(agentTokens.id, id));
  if (!row || row.revokedAt !== null) return row ?? null;
  await runBatch(db, [
    db.update(agentTokens).set({ revokedAt: now }).where(eq(agentTokens.id, id)),
    auditStatement(db, audit),
  ]);
  return { ...row, revokedAt: now };
}

/** The unrevoked token whose secret hashes to `hash`, and its last use noted (at most once a minute). */
export async function findLiveAgentToken(db: Database, hash: string, now: number): Promise<AgentTokenRow | null> {
  const [row] = await db
    .select()
    .from(agentTokens)
    .where(and(eq(agentTokens.tokenHash, hash), isNull(agentTokens.revokedAt)));
  if (!row) return null;
  await db
    .update(agentTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(agentTokens.id, row.id),
        or(isNull(agentTokens.lastUsedAt), lt(agentTokens.lastUsedAt, now - LAST_USED_RESOLUTION_MS)),
      ),
    );
  return row;
}
