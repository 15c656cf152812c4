/**
 * The op concurrency pools each run's first steps need (queue/first-step-pools.ts), in the run
 * coordinator's SQLite table `run_pool_needs` (coordinator-schema.ts): saved when the run is
 * submitted, read by the admission pass for the queued runs it considers and for the runs it
 * launched, and forgotten at the run's first slot claim — from then on its claims and leases are
 * what the pool counts — or when the run ends or is cancelled. A run with no row is never held
 * back by a pool (runs adopted from D1, runs whose first steps need none).
 */
import { migrateCoordinatorSchema } from "../coordinator-schema";
import type { PoolNeeds } from "../queue/first-step-pools";

export class PoolNeedsStore {
  constructor(private readonly storage: DurableObjectStorage) {
    migrateCoordinatorSchema(storage);
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  save(runId: string, needs: PoolNeeds): void {
    this.sql.exec(
      "INSERT INTO run_pool_needs (run_id, pools) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING",
      runId,
      JSON.stringify(needs),
    );
  }

  get(runId: string): PoolNeeds | null {
    const row = this.sql.exec("SELECT pools FROM run_pool_needs WHERE run_id = ?", runId).toArray()[0];
    return row ? (JSON.parse(String(row.pools)) as PoolNeeds) : null;
  }

  forget(runIds: readonly string[]): void {
    for (const runId of runIds) this.sql.exec("DELETE FROM run_pool_needs WHERE run_id = ?", runId);
  }
}
