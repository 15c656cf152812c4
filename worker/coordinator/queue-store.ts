/**
 * The run coordinator Durable Object's own SQLite storage (DESIGN.md §2): the queued runs with
 * their priority, tags and enqueue time; the runs in progress with their tags, launch time and
 * launch attempts; the operator's pause. Plain SQL over `ctx.storage.sql`, synchronous, so a
 * method of the object reads and writes its state without yielding to another request.
 *
 * Launch order is an index, `(priority DESC, enqueued_at, id)`, over the whole queue (pages of the
 * queue, the default coordinator) and within each lane (`limitLaneOf`: the runs that count against
 * the same tag limit buckets). The admission pass reads `queuedByLanes`, a lazy merge of the heads
 * of the lanes no full limit blocks (lane-merge.ts), and stops pulling as soon as it can launch
 * nothing more (queue-policy.ts): an admission costs the same with 100,000 runs queued as with 10,
 * however many of them wait behind a full limit. Lanes depend on the configured tag limits; when
 * they change the queue is laned again, once (O(queue), on a config change only).
 *
 * What a pass reads on every event is cached in memory and kept in step by this class (and
 * in-progress-store.ts for the runs in progress), the only writers of these tables: the runs in
 * progress, the pause, each lane's head. A new object instance
 * (restart, eviction) starts with empty caches and fills them from SQLite.
 */
import type { TagConcurrencyLimit } from "../../protocol/instance-config";
import { type InProgressState, InProgressStore, parseTags, type StoredInProgressRun } from "./in-progress-store";
import { type Lane, mergeLanes } from "./lane-merge";
import { type ConcurrencyCounter, limitLaneOf, type TaggedRun } from "./limits";
import { compareLaunchOrderKeys, type LaunchOrderKey, priorityOf, type QueuedRun } from "./queue-policy";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queued (
  id TEXT PRIMARY KEY, priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
  tags TEXT NOT NULL, events_url TEXT NOT NULL, lane TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS queued_launch_order ON queued (priority DESC, enqueued_at, id);
CREATE TABLE IF NOT EXISTS in_progress (
  id TEXT PRIMARY KEY, tags TEXT NOT NULL, launched_at INTEGER NOT NULL,
  state TEXT NOT NULL, attempt INTEGER NOT NULL, retry_at INTEGER, events_url TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Written by the first cut (a tag index for a NOT EXISTS filter), replaced by lanes: kept empty.
CREATE TABLE IF NOT EXISTS queued_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key));
DELETE FROM queued_tags;
`;
const LANE_INDEX = "CREATE INDEX IF NOT EXISTS queued_lane_order ON queued (lane, priority DESC, enqueued_at, id)";
const ORDER = "ORDER BY priority DESC, enqueued_at, id";
const LANE_PAGE = 4;

export type StoredQueuedRun = QueuedRun & { readonly priority: number; readonly eventsUrl: string };
type Row = Record<string, SqlStorageValue>;

type LaneHead = { readonly lane: string; readonly head: StoredQueuedRun; readonly key: LaunchOrderKey };

/** The stored priority is `priorityOf(tags)`, kept in step with the tags: no need to parse the tag again. */
function keyOf(run: StoredQueuedRun): LaunchOrderKey {
  return { priority: run.priority, enqueuedAt: run.enqueuedAt, id: run.id };
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

export class QueueStore {
  readonly inProgressRuns: InProgressStore;
  #paused: boolean | null = null;
  /** The events base URL last saved, so an enqueue writes it only when it changes. */
  #eventsBase: string | null | undefined;
  /** The tag limits the queue is laned by (saved in meta), and their JSON to compare. */
  #laneLimits: readonly TagConcurrencyLimit[] = [];
  #laneLimitsJson = "[]";
  #laneLimitsSeen: readonly TagConcurrencyLimit[] | null = null;
  /** Every non-empty lane with its head, by lane and in the launch order of the heads; null: not loaded. */
  #lanes: Map<string, LaneHead> | null = null;
  #laneOrder: LaneHead[] = [];

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql.exec(SCHEMA);
    this.inProgressRuns = new InProgressStore(storage);
    try {
      this.sql.exec("SELECT lane FROM queued LIMIT 0");
    } catch {
      // An object stored by the first cut, before lanes: every run starts in lane "[]", laned again below.
      this.sql.exec("ALTER TABLE queued ADD COLUMN lane TEXT NOT NULL DEFAULT '[]'");
      this.sql.exec("DELETE FROM meta WHERE key = 'lane_limits'");
    }
    this.sql.exec(LANE_INDEX);
    const saved = this.sql.exec("SELECT value FROM meta WHERE key = 'lane_limits'").toArray()[0]?.value;
    if (typeof saved === "string") {
      this.#laneLimitsJson = saved;
      this.#laneLimits = JSON.parse(saved) as TagConcurrencyLimit[];
    }
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  #laneOf(tags: Readonly<Record<string, string>>): string {
    return limitLaneOf(this.#laneLimits, tags);
  }

  /**
   * Lanes the queue by `limits` (the configured tag limits) if it is not already: on the first pass
   * after a limit change, every queued run is laned again (O(queue), once).
   */
  laneBy(limits: readonly TagConcurrencyLimit[]): void {
    if (limits === this.#laneLimitsSeen) return; // the object's cached config: checked once
    this.#laneLimitsSeen = limits;
    const json = JSON.stringify(limits);
    if (json === this.#laneLimitsJson) return;
    this.#laneLimits = JSON.parse(json) as TagConcurrencyLimit[];
    this.#laneLimitsJson = json;
    this.storage.transactionSync(() => {
      for (const row of this.sql.exec("SELECT id, tags FROM queued").toArray()) {
        this.sql.exec("UPDATE queued SET lane = ? WHERE id = ?", this.#laneOf(parseTags(row.tags)), row.id);
      }
      this.#setMeta("lane_limits", json);
    });
    this.#lanes = null;
  }

  #setMeta(key: string, value: string): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  enqueue(run: { id: string; tags: Record<string, string>; enqueuedAt: number; eventsUrl: string }): boolean {
    if (this.inProgressRuns.has(run.id)) return false;
    const lane = this.#laneOf(run.tags);
    const priority = priorityOf(run);
    const inserted =
      this.sql.exec(
        "INSERT INTO queued (id, priority, enqueued_at, tags, events_url, lane) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        run.id,
        priority,
        run.enqueuedAt,
        JSON.stringify(run.tags),
        run.eventsUrl,
        lane,
      ).rowsWritten > 0;
    // Only a hint for runs adopted from D1 (`eventsUrlFor`): written when it changes, not atomically with the run.
    const base = /^(.*)\/api\/runs\/[^/]+\/events$/.exec(run.eventsUrl)?.[1];
    if (inserted && base && base !== this.#savedEventsBase()) {
      this.#setMeta("events_base", base);
      this.#eventsBase = base;
    }
    if (inserted && this.#lanes) {
      const head = { id: run.id, tags: run.tags, enqueuedAt: run.enqueuedAt, priority, eventsUrl: run.eventsUrl };
      const current = this.#lanes.get(lane);
      if (!current || compareLaunchOrderKeys(keyOf(head), current.key) < 0) this.#setLaneHead(lane, head);
    }
    return inserted;
  }

  #savedEventsBase(): string | null {
    if (this.#eventsBase === undefined) {
      const saved = this.sql.exec("SELECT value FROM meta WHERE key = 'events_base'").toArray()[0]?.value;
      this.#eventsBase = typeof saved === "string" ? saved : null;
    }
    return this.#eventsBase;
  }

  /**
   * Where a run adopted from D1 (its enqueue was lost) posts its events: the base URL the last
   * submit used, else `fallbackBase`; null when neither is known.
   */
  eventsUrlFor(id: string, fallbackBase: string | undefined): string | null {
    const base = this.#savedEventsBase() ?? fallbackBase;
    return base ? `${base}/api/runs/${encodeURIComponent(id)}/events` : null;
  }

  isKnown(id: string): boolean {
    return this.inProgressRuns.has(id) || this.sql.exec("SELECT 1 FROM queued WHERE id = ?", id).toArray().length > 0;
  }

  getQueued(id: string): StoredQueuedRun | null {
    const row = this.sql.exec("SELECT * FROM queued WHERE id = ?", id).toArray()[0];
    return row ? toQueued(row) : null;
  }

  /** Deletes a queued run; its lane's head is read again if it was the head. */
  #deleteQueued(id: string): boolean {
    const row = this.sql.exec("DELETE FROM queued WHERE id = ? RETURNING lane", id).toArray()[0];
    if (!row) return false;
    const lane = String(row.lane);
    if (this.#lanes?.get(lane)?.head.id === id) this.#setLaneHead(lane, this.#readLaneHead(lane));
    return true;
  }

  removeQueued(id: string): boolean {
    return this.#deleteQueued(id);
  }

  /** The queued runs in launch order, read lazily (the default coordinator: no limits, no lanes). */
  *queuedInOrder(): Generator<StoredQueuedRun> {
    for (const row of this.sql.exec(`SELECT * FROM queued ${ORDER}`)) yield toQueued(row);
  }

  /**
   * The queued runs no full tag limit blocks, in launch order, read lazily (lane-merge.ts).
   * `counter` counts the runs in progress under the limits given to `laneBy`; the merge adds to it.
   */
  queuedByLanes(counter: ConcurrencyCounter): Generator<StoredQueuedRun> {
    if (!this.#lanes) {
      this.#lanes = new Map();
      this.#laneOrder = [];
      for (const row of this.sql.exec("SELECT DISTINCT lane FROM queued").toArray()) {
        const lane = String(row.lane);
        this.#setLaneHead(lane, this.#readLaneHead(lane));
      }
    }
    return mergeLanes(this.#lanesByHead(), counter);
  }

  *#lanesByHead(): Generator<Lane<StoredQueuedRun>> {
    for (const { lane, head, key } of this.#laneOrder) yield { head, key, rest: () => this.#laneAfterHead(lane) };
  }

  /** In small pages: a pass reads one or two runs of a lane, and a cursor left open is not free. */
  *#laneAfterHead(lane: string): Generator<StoredQueuedRun> {
    for (let offset = 1; ; offset += LANE_PAGE) {
      const page = this.sql.exec(
        `SELECT * FROM queued WHERE lane = ? ${ORDER} LIMIT ? OFFSET ?`,
        lane,
        LANE_PAGE,
        offset,
      );
      const rows = page.toArray();
      for (const row of rows) yield toQueued(row);
      if (rows.length < LANE_PAGE) return;
    }
  }

  #readLaneHead(lane: string): StoredQueuedRun | null {
    const row = this.sql.exec(`SELECT * FROM queued WHERE lane = ? ${ORDER} LIMIT 1`, lane).toArray()[0];
    return row ? toQueued(row) : null;
  }

  /** Puts a lane's new head (null: the lane is empty) in the lanes' launch order. */
  #setLaneHead(lane: string, head: StoredQueuedRun | null): void {
    const lanes = this.#lanes;
    if (!lanes) return;
    const order = this.#laneOrder;
    const current = lanes.get(lane);
    if (current) order.splice(this.#laneIndex(current.key), 1);
    if (!head) {
      lanes.delete(lane);
      return;
    }
    const entry = { lane, head, key: keyOf(head) };
    lanes.set(lane, entry);
    order.splice(this.#laneIndex(entry.key), 0, entry);
  }

  /** Where `key` is, or goes, in the lanes' launch order (binary search; ids make keys unique). */
  #laneIndex(key: LaunchOrderKey): number {
    let low = 0;
    let high = this.#laneOrder.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareLaunchOrderKeys((this.#laneOrder[middle] as LaneHead).key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** One page of the queue in launch order; position = offset + index + 1. */
  queuedPage(offset: number, limit: number): StoredQueuedRun[] {
    return this.sql.exec(`SELECT * FROM queued ${ORDER} LIMIT ? OFFSET ?`, limit, offset).toArray().map(toQueued);
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
    const lane = this.#laneOf(tags);
    const before = this.sql.exec("SELECT lane FROM queued WHERE id = ?", id).toArray()[0]?.lane;
    this.sql.exec(
      "UPDATE queued SET priority = ?, tags = ?, lane = ? WHERE id = ?",
      priority,
      JSON.stringify(tags),
      lane,
      id,
    );
    // Its place in its lane moved (and its lane, if a limit is keyed on the priority tag): read the heads again.
    if (typeof before === "string" && before !== lane) this.#setLaneHead(before, this.#readLaneHead(before));
    this.#setLaneHead(lane, this.#readLaneHead(lane));
  }

  /** Moves the runs an admission pass chose from the queue to in progress, state `launching`. */
  admit(runs: readonly StoredQueuedRun[], now: number): void {
    this.storage.transactionSync(() => {
      for (const run of runs) {
        this.#deleteQueued(run.id);
        this.inProgressRuns.insertLaunching(run, now);
      }
    });
    this.inProgressRuns.cacheLaunching(runs, now);
  }

  // The runs in progress live in in-progress-store.ts; these keep the object's one storage API.
  adopt(run: TaggedRun & { since: number }): void {
    this.inProgressRuns.adopt(run);
  }
  inProgress(): StoredInProgressRun[] {
    return this.inProgressRuns.list();
  }
  getInProgress(id: string): StoredInProgressRun | null {
    return this.inProgressRuns.get(id);
  }
  setInProgressState(id: string, state: InProgressState, attempt: number, retryAt: number | null = null): void {
    this.inProgressRuns.setState(id, state, attempt, retryAt);
  }
  free(ids: readonly string[]): number {
    return this.inProgressRuns.free(ids);
  }
  markInterruptedLaunches(): void {
    this.inProgressRuns.markInterruptedLaunches();
  }

  isPaused(): boolean {
    this.#paused ??= this.sql.exec("SELECT value FROM meta WHERE key = 'paused'").toArray()[0]?.value === "true";
    return this.#paused;
  }

  setPaused(paused: boolean): void {
    this.#setMeta("paused", String(paused));
    this.#paused = paused;
  }

  holdsWork(): boolean {
    if (this.inProgressRuns.size() > 0) return true;
    return this.sql.exec("SELECT 1 FROM queued LIMIT 1").toArray().length > 0;
  }
}
