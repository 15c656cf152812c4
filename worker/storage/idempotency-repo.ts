/** The `idempotency_keys` table (schema-access.ts): claims of keys, read back within their 24 hours. */
import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "./db";
import { runBatch } from "./db";
import { idempotencyKeys } from "./schema";

type Claim = typeof idempotencyKeys.$inferSelect;

export async function findIdempotencyKey(db: Database, scope: string, key: string, since: number) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, since)));
  return row ?? null;
}

/**
 * Claims a key unless someone holds it; true when this call got it. Keys older than `since` are
 * deleted in the same batch, so the table holds one day of keys.
 */
export async function claimIdempotencyKey(db: Database, claim: Claim, since: number): Promise<boolean> {
  const results = await runBatch(db, [
    db.delete(idempotencyKeys).where(lte(idempotencyKeys.createdAt, since)),
    db.insert(idempotencyKeys).values(claim).onConflictDoNothing().returning({ key: idempotencyKeys.key }),
  ]);
  return Array.isArray(results[1]) && results[1].length === 1;
}

export async function releaseIdempotencyKey(db: Database, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}
