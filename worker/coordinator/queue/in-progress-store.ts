/**
 * The runs the coordinator counts as in progress (DESIGN.md §2: the Durable Object owns the
 * in-progress accounting per limit): their tags, launch time and launch state, in the object's
 * own SQLite table `in_progress` (created with the queue's schema in queue-store.ts), with an
 * in-memory copy that an admission pass reads on every event. This class is the table's only
 * writer, so the copy stays in step; a new object instance fills it from SQLite.
 */
import type { TaggedRun } from "../../../protocol/tag-limits";
import type { RunInProgress } from "./start-estimates";

/**
 * `launching`: admitted, its launch under way (or cut off by a restart: re-sent); `launched`: the
 * code location server has it, or the object adopted it from D1. (`retry_wait` and the columns
 * `attempt`/`retry_at` belong to launch retries in place, which the queue replaced; rows an older
 * build left `retry_wait` count as launched.)
 */
export type InProgressState = "launching" | "launched";

export type StoredInProgressRun = RunInProgress & {
  readonly state: InProgressState;
  readonly eventsUrl: string | null;
};

type Row = Record<string, SqlStorageValue>;

export function parseTags(raw: SqlStorageValue | undefined): Record<string, string> {
  return JSON.parse(String(raw)) as Record<string, string>;
}

function toInProgress(row: Row): StoredInProgressRun {
  return {
    id: String(row.id),
    tags: parseTags(row.tags),
    launchedAt: Number(row.launched_at),
    state: row.state === "launching" ? "launching" : "launched",
    eventsUrl: row.events_url === null || row.events_url === undefined ? null : String(row.events_url),
  };
}

export class InProgressStore {
  /** The runs in progress by id, in launch order once sorted; null until first read. */
  #runs: Map<string, StoredInProgressRun> | null = null;
  #sorted: StoredInProgressRun[] | null = null;

  constructor(private readonly storage: DurableObjectStorage) {}

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  has(id: string): boolean {
    return this.#map().has(id);
  }

  size(): number {
    return this.#map().size;
  }

  /** The SQL half of an admission, inside the queue's transaction; `cacheLaunching` follows it. */
  insertLaunching(run: TaggedRun & { eventsUrl: string }, now: number): void {
    this.sql.exec(
      "INSERT INTO in_progress (id, tags, launched_at, state, attempt, events_url) VALUES (?, ?, ?, 'launching', 1, ?)",
      run.id,
      JSON.stringify(run.tags),
      now,
      run.eventsUrl,
    );
  }

  cacheLaunching(runs: readonly (TaggedRun & { eventsUrl: string })[], now: number): void {
    const map = this.#map();
    for (const run of runs) {
      map.set(run.id, {
        id: run.id,
        tags: run.tags,
        launchedAt: now,
        state: "launching",
        eventsUrl: run.eventsUrl,
      });
    }
    this.#sorted = null;
  }

  /** Counts a run D1 has in progress that this object did not launch. */
  adopt(run: TaggedRun & { since: number }): void {
    const written = this.sql.exec(
      "INSERT OR IGNORE INTO in_progress (id, tags, launched_at, state, attempt) VALUES (?, ?, ?, 'launched', 1)",
      run.id,
      JSON.stringify(run.tags),
      run.since,
    ).rowsWritten;
    if (written > 0) this.#reload(run.id);
  }

  #map(): Map<string, StoredInProgressRun> {
    if (!this.#runs) {
      this.#runs = new Map();
      for (const row of this.sql.exec("SELECT * FROM in_progress")) {
        const run = toInProgress(row);
        this.#runs.set(run.id, run);
      }
      this.#sorted = null;
    }
    return this.#runs;
  }

  #reload(id: string): void {
    const map = this.#map();
    const row = this.sql.exec("SELECT * FROM in_progress WHERE id = ?", id).toArray()[0];
    if (row) map.set(id, toInProgress(row));
    else map.delete(id);
    this.#sorted = null;
  }

  /** In launch order (launched_at, id). Shared until the next change: read, never modify. */
  list(): readonly StoredInProgressRun[] {
    this.#sorted ??= [...this.#map().values()].sort((a, b) =>
      a.launchedAt !== b.launchedAt ? a.launchedAt - b.launchedAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return this.#sorted;
  }

  get(id: string): StoredInProgressRun | null {
    return this.#map().get(id) ?? null;
  }

  setState(id: string, state: InProgressState): void {
    this.sql.exec("UPDATE in_progress SET state = ? WHERE id = ?", state, id);
    const map = this.#map();
    const run = map.get(id);
    if (run) {
      map.set(id, { ...run, state });
      this.#sorted = null;
    }
  }

  /** Frees the slots of runs that ended; returns how many were held. */
  free(ids: readonly string[]): number {
    let freed = 0;
    const deleteAll = () => {
      for (const id of ids) freed += this.sql.exec("DELETE FROM in_progress WHERE id = ?", id).rowsWritten;
    };
    if (ids.length > 1) this.storage.transactionSync(deleteAll);
    else deleteAll();
    if (freed > 0) {
      const map = this.#map();
      for (const id of ids) map.delete(id);
      this.#sorted = null;
    }
    return freed;
  }
}
