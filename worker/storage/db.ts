/**
 * Opens D1 through drizzle and runs multi-statement writes as one `db.batch()` — D1's unit of
 * atomicity (STYLE.md: batches, never `db.transaction()`).
 */
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

export function openDatabase(d1: D1Database) {
  return drizzle(d1);
}
export type Database = ReturnType<typeof openDatabase>;
export type BatchStatement = BatchItem<"sqlite">;

/** Runs the statements in order, atomically; results come back in the same order. */
export async function runBatch(db: Database, statements: readonly BatchStatement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  return db.batch([first, ...rest]);
}
