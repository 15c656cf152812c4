/**
 * The run coordinator Durable Object's own SQLite schema (DESIGN.md §2) and its migrations: the
 * queued runs (with their code location), the runs in progress, `location_pauses` (code locations
 * whose launches wait after their server could not be reached), `launch_tokens` (the run token of
 * each launch under way, kept until its request has been answered, so a launch cut off by a
 * restart is re-sent with the same token), and `meta` (the pause, the limits the queue is laned
 * by, the events base URL, the schema version), `run_pool_needs` (the pools runs' first steps
 * need). The pool tables live in pool-store.ts.
 *
 * An admission deletes a row of `queued` and inserts one in `in_progress`, and a submit inserts one
 * in `queued`: these tables are laid out for that. `queued` is clustered by lane and launch order
 * (a WITHOUT ROWID table whose key is `(lane, priority DESC, enqueued_at, id)`), so a lane's first
 * runs, the ones admissions take, sit together in a few pages, and a run enqueued lands at its
 * lane's end; an index by id serves lookups of one run. There is no index over the whole queue in
 * launch order: that order is the merge of the lanes' (queue-lanes.ts), and every index costs every
 * admission a write. `in_progress` (a few dozen rows) is a WITHOUT ROWID table keyed by run id.
 */

const TABLES = `
CREATE TABLE IF NOT EXISTS queued (
  id TEXT NOT NULL, priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
  tags TEXT NOT NULL, events_url TEXT NOT NULL, lane TEXT NOT NULL, location TEXT,
  PRIMARY KEY (lane, priority DESC, enqueued_at, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS queued_id ON queued (id);
CREATE TABLE IF NOT EXISTS in_progress (
  id TEXT PRIMARY KEY, tags TEXT NOT NULL, launched_at INTEGER NOT NULL,
  state TEXT NOT NULL, attempt INTEGER NOT NULL, retry_at INTEGER, events_url TEXT) WITHOUT ROWID;
`;

/** Added in version 3; created by every version's path. */
const LAUNCH_TABLES = `
CREATE TABLE IF NOT EXISTS location_pauses (
  location TEXT PRIMARY KEY, since INTEGER NOT NULL, until INTEGER NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS launch_tokens (id TEXT PRIMARY KEY, token TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * Added in version 4: the op concurrency pools each run's first steps need (queue/first-step-pools.ts),
 * kept from its submit until its run worker first claims a slot (pools/pool-needs-store.ts).
 */
const POOL_NEED_TABLES = `
CREATE TABLE IF NOT EXISTS run_pool_needs (run_id TEXT PRIMARY KEY, pools TEXT NOT NULL) WITHOUT ROWID;
`;

const SCHEMA_VERSION = 4;

/**
 * Creates the tables, or brings an object stored by an older build up to date: version 1 (and the
 * first cut before it) kept rowid tables, and the first cut had no lanes. Their runs are copied
 * into lane "[]" and the saved lane limits dropped, so the first admission pass lanes them again.
 */
export function migrateCoordinatorSchema(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const version = Number(sql.exec("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0]?.value ?? 0);
  if (version >= SCHEMA_VERSION) return;
  storage.transactionSync(() => {
    sql.exec(LAUNCH_TABLES);
    sql.exec(POOL_NEED_TABLES);
    if (version === 3) return setVersion(sql);
    if (version === 2) {
      // Version 2 had every table but these and the queued runs' location (null for its runs: never paused).
      sql.exec("ALTER TABLE queued ADD COLUMN location TEXT");
      setVersion(sql);
      return;
    }
    const old = new Set(
      sql
        .exec(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('queued', 'in_progress', 'queued_tags')",
        )
        .toArray()
        .map((row) => String(row.name)),
    );
    if (old.has("queued")) sql.exec("ALTER TABLE queued RENAME TO queued_v1");
    if (old.has("in_progress")) sql.exec("ALTER TABLE in_progress RENAME TO in_progress_v1");
    // The renamed table's indexes (version 1) go: the new table has its own.
    sql.exec("DROP INDEX IF EXISTS queued_launch_order; DROP INDEX IF EXISTS queued_lane_order;");
    sql.exec(TABLES);
    if (old.has("queued")) {
      sql.exec(`INSERT INTO queued (id, priority, enqueued_at, tags, events_url, lane)
        SELECT id, priority, enqueued_at, tags, events_url, '[]' FROM queued_v1`);
      sql.exec("DROP TABLE queued_v1");
      sql.exec("DELETE FROM meta WHERE key = 'lane_limits'");
    }
    if (old.has("in_progress")) {
      sql.exec(`INSERT INTO in_progress (id, tags, launched_at, state, attempt, retry_at, events_url)
        SELECT id, tags, launched_at, state, attempt, retry_at, events_url FROM in_progress_v1`);
      sql.exec("DROP TABLE in_progress_v1");
    }
    if (old.has("queued_tags")) sql.exec("DROP TABLE queued_tags");
    setVersion(sql);
  });
}

function setVersion(sql: SqlStorage): void {
  sql.exec(
    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    String(SCHEMA_VERSION),
  );
}
