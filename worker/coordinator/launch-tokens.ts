/**
 * The run token of each launch the run coordinator object has under way, in its SQLite table
 * `launch_tokens` (coordinator-schema.ts): written before the run is claimed in D1 and deleted once
 * the launch request has been answered. A launch cut off by a restart or an eviction is found again
 * by its row and re-sent with the same token — the hash D1 holds — so a request that did leave
 * and a re-sent one are one launch at the code location server (idempotent on run and attempt),
 * and the run worker's events are accepted whichever of the two started it.
 */
export class LaunchTokens {
  constructor(private readonly storage: DurableObjectStorage) {}

  get(runId: string): string | null {
    const row = this.storage.sql.exec("SELECT token FROM launch_tokens WHERE id = ?", runId).toArray()[0];
    return row ? String(row.token) : null;
  }

  set(runId: string, token: string): void {
    this.storage.sql.exec(
      "INSERT INTO launch_tokens (id, token) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET token = excluded.token",
      runId,
      token,
    );
  }

  delete(runId: string): void {
    this.storage.sql.exec("DELETE FROM launch_tokens WHERE id = ?", runId);
  }
}
