/**
 * API tokens and sessions in D1 (schema-access.ts). A credential is looked up by the digest of
 * its secret; revoking a token deletes its sessions in the same batch, so both stop at once.
 */
import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { ApiToken, Role } from "../../protocol";
import type { Database } from "./db";
import { runBatch } from "./db";
import { type AuditEntry, auditStatement } from "./instance-overrides-repo";
import { apiTokens, sessions } from "./schema";

type TokenRow = typeof apiTokens.$inferSelect;

/** last_used_at is written at most once a minute per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    created_by: row.createdBy,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
  };
}

export async function insertApiToken(db: Database, row: typeof apiTokens.$inferInsert, audit: AuditEntry) {
  await runBatch(db, [db.insert(apiTokens).values(row), auditStatement(db, audit)]);
}

export async function listApiTokens(db: Database): Promise<ApiToken[]> {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toApiToken);
}

/**
 * Revokes the token and ends its sessions, with the audit row, in one batch. Null when there is
 * no such token; a token already revoked is returned as it is, and nothing is written.
 */
export async function revokeApiToken(db: Database, id: string, now: number, audit: AuditEntry) {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!row || row.revokedAt !== null) return row ?? null;
  await runBatch(db, [
    db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)),
    db.delete(sessions).where(eq(sessions.tokenId, id)),
    auditStatement(db, audit),
  ]);
  return { ...row, revokedAt: now };
}

/** The token whose secret hashes to `hash`, if it is neither revoked nor expired. */
export async function findLiveToken(db: Database, hash: string, now: number): Promise<TokenRow | null> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, hash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  return row ?? null;
}

export async function touchToken(db: Database, id: string, now: number): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now - LAST_USED_RESOLUTION_MS)),
      ),
    );
}

export async function insertSession(db: Database, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export type LiveSession = {
  id: string;
  expiresAt: number;
  adminKey: string | null;
  token: { id: string; name: string; role: Role } | null;
};

/**
 * The unexpired session whose secret hashes to `hash`, with its token when it was made from one
 * that is still live. A session of a revoked or expired token is not returned.
 */
export async function findLiveSession(db: Database, hash: string, now: number): Promise<LiveSession | null> {
  const [row] = await db
    .select({ session: sessions, token: apiTokens })
    .from(sessions)
    .leftJoin(apiTokens, eq(sessions.tokenId, apiTokens.id))
    .where(and(eq(sessions.secretHash, hash), gt(sessions.expiresAt, now)));
  if (!row) return null;
  const { session, token } = row;
  if (session.tokenId !== null) {
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) return null;
    return { id: session.id, expiresAt: session.expiresAt, adminKey: null, token };
  }
  return { id: session.id, expiresAt: session.expiresAt, adminKey: session.adminKey, token: null };
}

export async function deleteSession(db: Database, hash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.secretHash, hash));
}

/** Sessions past their expiry are of no use; each sign-in sweeps them. */
export async function deleteExpiredSessions(db: Database, now: number): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
