/**
 * The run coordinator Durable Object's own SQLite storage (DESIGN.md §2): the queued runs with
 * their priority, tags and enqueue time; the runs in progress with their tags, launch time and
 * launch attempts; the operator's pause. Plain SQL over `ctx.storage.sql`, synchronous, so a
 * method of the object reads and writes its state without yielding to another request.
 *
 * Launch order is an index, `(priority DESC, enqueued_at, id)`, and `queuedInOrder` is a lazy
 * cursor over it that the admission pass stops pulling as soon as it can launch nothing more
 * (queue-policy.ts): an admission costs the same with 100,000 runs queued as with 10. Runs that
 * carry a tag of a full limit are left out by the query itself (`blockedTagFilter`).
 */
import type { BlockedTagFilter, TaggedRun } from "./limits";
import { priorityOf, type QueuedRun } from "./queue-policy";
import type { RunInProgress } from "./start-estimates";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queued (
  id TEXT PRIMARY KEY, priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
  tags TEXT NOT NULL, events_url TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS queued_launch_order ON queued (priority DESC, enqueued_at, id);
CREATE TABLE IF NOT EXISTS queued_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key));
CREATE TABLE IF NOT EXISTS in_progress (
  id TEXT PRIMARY KEY, tags TEXT NOT NULL, launched_at INTEGER NOT NULL,
  state TEXT NOT NULL, attempt INTEGER NOT NULL, retry_at INTEGER, events_url TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** `launching`: the launch request is being made; `launched`: the run worker has it; `retry_wait`: a retry is due at retry_at. */
export type InProgressState = "launching" | "launched" | "retry_wait";

export type StoredQueuedRun = QueuedRun & { readonly priority: number; readonly eventsUrl: string };
export type StoredInProgressRun = RunInProgress & {
  readonly state: InProgressState;
  readonly attempt: number;
  readonly retryAt: number | null;
  readonly eventsUrl: string | null;
};

/** Durable Object SQL takes at most 100 bound parameters; past that the filter is skipped (it only saves reads). */
const MAX_FILTER_PARAMS = 90;

type Row = Record<string, SqlStorageValue>;

function parseTags(raw: SqlStorageValue | undefined): Record<string, string> {
  return JSON.parse(String(raw)) as Record<string, string>;
}

function toQueued(row: Row): StoredQueuedRun {
  return {
    id: String(row.id),
    tags: parseTags(row.tags),
    enqueuedAt: Number(row.enqueued_at),
    priority: Number(row.priority),
    eventsUrl: String(row.events_url),
  };
}

function toInProgress(row: Row): StoredInProgressRun {
  return {
    id: String(row.id),
    tags: parseTags(row.tags),
    launchedAt: Number(row.launched_at),
    state: String(row.state) as InProgressState,
    attempt: Number(row.attempt),
    retryAt: row.retry_at === null || row.retry_at === undefined ? null : Number(row.retry_at),
    eventsUrl: row.events_url === null || row.events_url === undefined ? null : String(row.events_url),
  };
}

export class QueueStore {
  constructor(private readonly storage: DurableObjectStorage) {
    this.storage.sql.exec(SCHEMA);
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  enqueue(run: { id: string; tags: Record<string, string>; enqueuedAt: number; eventsUrl: string }): boolean {
    if (this.isKnown(run.id)) return false;
    this.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO queued (id, priority, enqueued_at, tags, events_url) VALUES (?, ?, ?, ?, ?)",
        run.id,
        priorityOf(run),
        run.enqueuedAt,
        JSON.stringify(run.tags),
        run.eventsUrl,
      );
      const base = /^(.*)\/api\/runs\/[^/]+\/events$/.exec(run.eventsUrl)?.[1];
      if (base) {
        this.sql.exec(
          "INSERT INTO meta (key, value) VALUES ('events_base', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          base,
        );
      }
      for (const [key, value] of Object.entries(run.tags)) {
        this.sql.exec("INSERT INTO queued_tags (run_id, key, value) VALUES (?, ?, ?)", run.id, key, value);
      }
    });
    return true;
  }

  /**
   * Where a run adopted from D1 (its enqueue was lost) posts its events: the base URL the last
   * submit used, else `fallbackBase`; null when neither is known.
   */
  eventsUrlFor(id: string, fallbackBase: string | undefined): string | null {
    const saved = this.sql.exec("SELECT value FROM meta WHERE key = 'events_base'").toArray()[0]?.value;
    const base = typeof saved === "string" ? saved : fallbackBase;
    return base ? `${base}/api/runs/${encodeURIComponent(id)}/events` : null;
  }

  isKnown(id: string): boolean {
    const row = this.sql
      .exec("SELECT 1 FROM queued WHERE id = ? UNION ALL SELECT 1 FROM in_progress WHERE id = ?", id, id)
      .toArray();
    return row.length > 0;
  }

  getQueued(id: string): StoredQueuedRun | null {
    const row = this.sql.exec("SELECT * FROM queued WHERE id = ?", id).toArray()[0];
    return row ? toQueued(row) : null;
  }

  removeQueued(id: string): boolean {
    return this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM queued_tags WHERE run_id = ?", id);
      return this.sql.exec("DELETE FROM queued WHERE id = ?", id).rowsWritten > 0;
    });
  }

  /** The queued runs in launch order, read lazily; runs carrying a blocked tag are skipped by the query. */
  *queuedInOrder(filter: BlockedTagFilter | null = null): Generator<StoredQueuedRun> {
    const params: SqlStorageValue[] = [];
    const clauses: string[] = [];
    if (filter && filter.keys.length + 2 * filter.pairs.length <= MAX_FILTER_PARAMS) {
      if (filter.keys.length > 0) {
        clauses.push(`t.key IN (${filter.keys.map(() => "?").join(", ")})`);
        params.push(...filter.keys);
      }
      for (const pair of filter.pairs) {
        clauses.push("(t.key = ? AND t.value = ?)");
        params.push(pair.key, pair.value);
      }
    }
    const where =
      clauses.length === 0
        ? ""
        : `WHERE NOT EXISTS (SELECT 1 FROM queued_tags t WHERE t.run_id = q.id AND (${clauses.join(" OR ")}))`;
    const cursor = this.sql.exec(`SELECT * FROM queued q ${where} ORDER BY priority DESC, enqueued_at, id`, ...params);
    for (const row of cursor) yield toQueued(row);
  }

  /** One page of the queue in launch order; position = offset + index + 1. */
  queuedPage(offset: number, limit: number): StoredQueuedRun[] {
    return this.sql
      .exec("SELECT * FROM queued ORDER BY priority DESC, enqueued_at, id LIMIT ? OFFSET ?", limit, offset)
      .toArray()
      .map(toQueued);
  }

  countQueued(): number {
    return Number(this.sql.exec("SELECT count(*) AS n FROM queued").one().n);
  }

  topPriority(): number | null {
    const row = this.sql.exec("SELECT max(priority) AS p FROM queued").one();
    return row.p === null ? null : Number(row.p);
  }

  /** Changes a queued run's priority (and its `flightdeck/priority` tag, which launch order reads). */
  setPriority(id: string, priority: number, tags: Record<string, string>): void {
    this.storage.transactionSync(() => {
      this.sql.exec("UPDATE queued SET priority = ?, tags = ? WHERE id = ?", priority, JSON.stringify(tags), id);
      this.sql.exec(
        "INSERT INTO queued_tags (run_id, key, value) VALUES (?, 'flightdeck/priority', ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
        id,
        String(priority),
      );
    });
  }

  /** Moves the runs an admission pass chose from the queue to in progress, state `launching`. */
  admit(runs: readonly StoredQueuedRun[], now: number): void {
    this.storage.transactionSync(() => {
      for (const run of runs) {
        this.sql.exec("DELETE FROM queued_tags WHERE run_id = ?", run.id);
        this.sql.exec("DELETE FROM queued WHERE id = ?", run.id);
        this.sql.exec(
          "INSERT INTO in_progress (id, tags, launched_at, state, attempt, events_url) VALUES (?, ?, ?, 'launching', 1, ?)",
          run.id,
          JSON.stringify(run.tags),
          now,
          run.eventsUrl,
        );
      }
    });
  }

  /** Counts a run D1 has in progress that this object did not launch. */
  adopt(run: TaggedRun & { since: number }): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO in_progress (id, tags, launched_at, state, attempt) VALUES (?, ?, ?, 'launched', 1)",
      run.id,
      JSON.stringify(run.tags),
      run.since,
    );
  }

  inProgress(): StoredInProgressRun[] {
    return this.sql.exec("SELECT * FROM in_progress ORDER BY launched_at, id").toArray().map(toInProgress);
  }

  getInProgress(id: string): StoredInProgressRun | null {
    const row = this.sql.exec("SELECT * FROM in_progress WHERE id = ?", id).toArray()[0];
    return row ? toInProgress(row) : null;
  }

  setInProgressState(id: string, state: InProgressState, attempt: number, retryAt: number | null = null): void {
    this.sql.exec(
      "UPDATE in_progress SET state = ?, attempt = ?, retry_at = ? WHERE id = ?",
      state,
      attempt,
      retryAt,
      id,
    );
  }

  /** Frees the slots of runs that ended; returns how many were held. */
  free(ids: readonly string[]): number {
    let freed = 0;
    this.storage.transactionSync(() => {
      for (const id of ids) freed += this.sql.exec("DELETE FROM in_progress WHERE id = ?", id).rowsWritten;
    });
    return freed;
  }

  /** Runs whose launch was under way when the object last stopped: never relaunched (a launch may have left). */
  markInterruptedLaunches(): void {
    this.sql.exec("UPDATE in_progress SET state = 'launched' WHERE state = 'launching'");
  }

  isPaused(): boolean {
    return this.sql.exec("SELECT value FROM meta WHERE key = 'paused'").toArray()[0]?.value === "true";
  }

  setPaused(paused: boolean): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('paused', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      String(paused),
    );
  }

  holdsWork(): boolean {
    const row = this.sql
      .exec("SELECT EXISTS (SELECT 1 FROM queued) OR EXISTS (SELECT 1 FROM in_progress) AS held")
      .one();
    return Number(row.held) === 1;
  }
}
