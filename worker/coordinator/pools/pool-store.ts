/**
 * The op concurrency pools' part of the run coordinator's SQLite storage (DESIGN.md §2): the
 * leases held (one per run and step) and the claims waiting in line. Plain synchronous SQL, like
 * queue-store.ts, in tables of its own; the decisions are pool-leases.ts's.
 */
import type { PoolClaim, PoolLease, PoolState } from "./pool-leases";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pool_slots (
  run_id TEXT NOT NULL, step_key TEXT NOT NULL, pool TEXT NOT NULL,
  granted_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_key));
CREATE INDEX IF NOT EXISTS pool_slots_by_pool ON pool_slots (pool);
CREATE TABLE IF NOT EXISTS pool_claims (
  run_id TEXT NOT NULL, step_key TEXT NOT NULL, pool TEXT NOT NULL,
  since INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_key));
CREATE INDEX IF NOT EXISTS pool_claims_by_pool ON pool_claims (pool);
`;

type Row = Record<string, SqlStorageValue>;

const toLease = (row: Row): PoolLease => ({
  pool: String(row.pool),
  runId: String(row.run_id),
  stepKey: String(row.step_key),
  grantedAt: Number(row.granted_at),
  expiresAt: Number(row.expires_at),
});

const toClaim = (row: Row): PoolClaim => ({
  pool: String(row.pool),
  runId: String(row.run_id),
  stepKey: String(row.step_key),
  since: Number(row.since),
  lastSeenAt: Number(row.last_seen_at),
});

export class PoolStore {
  constructor(private readonly storage: DurableObjectStorage) {
    this.storage.sql.exec(SCHEMA);
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  pool(pool: string): PoolState {
    return {
      leases: this.sql.exec("SELECT * FROM pool_slots WHERE pool = ?", pool).toArray().map(toLease),
      claims: this.sql.exec("SELECT * FROM pool_claims WHERE pool = ?", pool).toArray().map(toClaim),
    };
  }

  all(): PoolState {
    return {
      leases: this.sql.exec("SELECT * FROM pool_slots ORDER BY pool, granted_at").toArray().map(toLease),
      claims: this.sql.exec("SELECT * FROM pool_claims ORDER BY pool, since").toArray().map(toClaim),
    };
  }

  leasesOfRun(runId: string): PoolLease[] {
    return this.sql.exec("SELECT * FROM pool_slots WHERE run_id = ?", runId).toArray().map(toLease);
  }

  /** Saves a granted (or renewed) lease; the step leaves the line. */
  saveLease(lease: PoolLease): void {
    this.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO pool_slots (run_id, step_key, pool, granted_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step_key) DO UPDATE SET pool = excluded.pool, expires_at = excluded.expires_at`,
        lease.runId,
        lease.stepKey,
        lease.pool,
        lease.grantedAt,
        lease.expiresAt,
      );
      this.sql.exec("DELETE FROM pool_claims WHERE run_id = ? AND step_key = ?", lease.runId, lease.stepKey);
    });
  }

  saveClaim(claim: PoolClaim): void {
    this.sql.exec(
      `INSERT INTO pool_claims (run_id, step_key, pool, since, last_seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, step_key) DO UPDATE SET pool = excluded.pool, last_seen_at = excluded.last_seen_at`,
      claim.runId,
      claim.stepKey,
      claim.pool,
      claim.since,
      claim.lastSeenAt,
    );
  }

  /** Frees one step's slot (and its place in line); the pool it was in, or null when it held none. */
  release(runId: string, stepKey: string): string | null {
    return this.storage.transactionSync(() => {
      const row = this.sql
        .exec("DELETE FROM pool_slots WHERE run_id = ? AND step_key = ? RETURNING pool", runId, stepKey)
        .toArray()[0];
      const claim = this.sql
        .exec("DELETE FROM pool_claims WHERE run_id = ? AND step_key = ? RETURNING pool", runId, stepKey)
        .toArray()[0];
      const pool = row?.pool ?? claim?.pool;
      return pool === undefined ? null : String(pool);
    });
  }

  /** Frees every slot and claim of these runs; the pools that had any. */
  releaseRuns(runIds: readonly string[]): string[] {
    const pools = new Set<string>();
    this.storage.transactionSync(() => {
      for (const id of runIds) {
        for (const table of ["pool_slots", "pool_claims"]) {
          for (const row of this.sql.exec(`DELETE FROM ${table} WHERE run_id = ? RETURNING pool`, id)) {
            pools.add(String(row.pool));
          }
        }
      }
    });
    return [...pools];
  }

  remove(expired: { leases: readonly PoolLease[]; claims: readonly PoolClaim[] }): void {
    this.storage.transactionSync(() => {
      for (const l of expired.leases) {
        // Guarded by expires_at: a renewal that came in meanwhile keeps the lease.
        this.sql.exec(
          "DELETE FROM pool_slots WHERE run_id = ? AND step_key = ? AND expires_at = ?",
          l.runId,
          l.stepKey,
          l.expiresAt,
        );
      }
      for (const c of expired.claims) {
        this.sql.exec(
          "DELETE FROM pool_claims WHERE run_id = ? AND step_key = ? AND last_seen_at = ?",
          c.runId,
          c.stepKey,
          c.lastSeenAt,
        );
      }
    });
  }
}
