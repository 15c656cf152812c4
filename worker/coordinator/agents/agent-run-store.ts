/**
 * The agents' part of the run coordinator's SQLite storage: which connected agent holds which run
 * (`agent_runs`), and which code locations are served by agents (`agent_locations`, from the
 * first agent that connected for them), so a run of such a location waits for an agent even when
 * none is connected. In tables of their own, created on first use like the pools' (pool-store.ts),
 * so the coordinator's schema version does not move. The agents themselves live in their sockets'
 * attachments (agent-socket-host.ts), which survive hibernation.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS agent_runs (
  run_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, location TEXT NOT NULL, placed_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agent_runs_by_agent ON agent_runs (agent_id);
CREATE TABLE IF NOT EXISTS agent_locations (location TEXT PRIMARY KEY) WITHOUT ROWID;
`;

export type AgentRun = { runId: string; agentId: string; location: string; placedAt: number };

export class AgentRunStore {
  constructor(private readonly storage: DurableObjectStorage) {
    this.storage.sql.exec(SCHEMA);
  }

  addLocation(location: string): void {
    this.storage.sql.exec("INSERT OR IGNORE INTO agent_locations (location) VALUES (?)", location);
  }

  locations(): string[] {
    return this.storage.sql
      .exec("SELECT location FROM agent_locations ORDER BY location")
      .toArray()
      .map((row) => String(row.location));
  }

  isAgentLocation(location: string): boolean {
    return this.storage.sql.exec("SELECT 1 FROM agent_locations WHERE location = ?", location).toArray().length > 0;
  }

  place(run: AgentRun): void {
    this.storage.sql.exec(
      "INSERT INTO agent_runs (run_id, agent_id, location, placed_at) VALUES (?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET agent_id = excluded.agent_id, placed_at = excluded.placed_at",
      run.runId,
      run.agentId,
      run.location,
      run.placedAt,
    );
  }

  agentOf(runId: string): string | null {
    const row = this.storage.sql.exec("SELECT agent_id FROM agent_runs WHERE run_id = ?", runId).toArray()[0];
    return row ? String(row.agent_id) : null;
  }

  all(): AgentRun[] {
    return this.storage.sql
      .exec("SELECT run_id, agent_id, location, placed_at FROM agent_runs ORDER BY placed_at, run_id")
      .toArray()
      .map((row) => ({
        runId: String(row.run_id),
        agentId: String(row.agent_id),
        location: String(row.location),
        placedAt: Number(row.placed_at),
      }));
  }

  runsOf(agentId: string): string[] {
    return this.storage.sql
      .exec("SELECT run_id FROM agent_runs WHERE agent_id = ? ORDER BY run_id", agentId)
      .toArray()
      .map((row) => String(row.run_id));
  }

  release(runIds: readonly string[]): void {
    for (const runId of runIds) this.storage.sql.exec("DELETE FROM agent_runs WHERE run_id = ?", runId);
  }

  /** Removes the agent's runs and returns them (the agent is lost). */
  takeRunsOf(agentId: string): string[] {
    const runIds = this.runsOf(agentId);
    this.storage.sql.exec("DELETE FROM agent_runs WHERE agent_id = ?", agentId);
    return runIds;
  }
}
