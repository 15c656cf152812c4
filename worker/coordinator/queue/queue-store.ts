/**
 * The run coordinator Durable Object's own SQLite storage (DESIGN.md §2; tables in
 * coordinator-schema.ts): the queued runs with their priority, tags and enqueue time; the runs in
 * progress with their tags, launch time and launch state; the operator's pause. Plain SQL over
 * `ctx.storage.sql`, synchronous, so a method of the object reads and writes its state without
 * yielding to another request.
 *
 * The queue is kept in lanes (`limitLaneOf`: the runs that count against the same tag limit
 * buckets), each in launch order `(priority DESC, enqueued_at, id)` by the table's key; the whole
 * queue's launch order (pages of the queue, the default coordinator) is the merge of the lanes'.
 * The admission pass reads `queuedByLanes`, a lazy merge of the heads
 * of the lanes no full limit blocks (lane-merge.ts, over the lanes held in memory by
 * queue-lanes.ts), and stops pulling as soon as it can launch nothing more (queue-policy.ts): an
 * admission costs the same with 100,000 runs queued as with 10, however many of them wait behind a
 * full limit. Lanes depend on the configured tag limits; when they change the queue is laned again,
 * once (O(queue), on a config change only).
 *
 * What a pass reads on every event is held in memory and kept in step by this class (and
 * in-progress-store.ts for the runs in progress), the only writers of these tables: the runs in
 * progress, the pause, each lane's first runs. A new object instance (restart, eviction) starts
 * with nothing in memory and fills it from SQLite.
 */
import type { TagConcurrencyLimit } from "../../../protocol/instance-config";
import {
  bucketId,
  type ConcurrencyCounter,
  laneOfBuckets,
  limitBucketsOf,
  type TaggedRun,
} from "../../../protocol/tag-limits";
import { migrateCoordinatorSchema } from "../coordinator-schema";
import { type InProgressState, InProgressStore, parseTags, type StoredInProgressRun } from "./in-progress-store";
import { type Lane, mergeLanes } from "./lane-merge";
import {
  LANE_CACHE,
  LANE_CACHE_BUDGET,
  type LanedRun,
  type LaneSource,
  QueueLanes,
  type ReadLane,
} from "./queue-lanes";
import { priorityOf } from "./queue-policy";

const ORDER = "ORDER BY priority DESC, enqueued_at, id";
/** Tag sets whose lane an enqueue remembers (most runs of a deployment share a few tag sets). */
const LANE_MEMO = 1024;

export type StoredQueuedRun = LanedRun & { readonly eventsUrl: string; readonly location: string | null };
/** A tag set's lane (`limitLaneOf`) and the ids of its buckets (`bucketId`). */
type LaneOfTags = { readonly lane: string; readonly bucketIds: readonly string[] };
type Row = Record<string, SqlStorageValue>;

function toQueued(row: Row): StoredQueuedRun {
  return {
    id: String(row.id),
    tags: parseTags(row.tags),
    enqueuedAt: Number(row.enqueued_at),
    priority: Number(row.priority),
    eventsUrl: String(row.events_url),
    lane: String(row.lane),
    location: row.location === null || row.location === undefined ? null : String(row.location),
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
  /** The lane of each tag set seen lately, by the tags' JSON, under the lane limits. */
  readonly #laneMemo = new Map<string, LaneOfTags>();
  /** Every non-empty lane with its first runs (queue-lanes.ts); null: not loaded. */
  #lanes: QueueLanes<StoredQueuedRun> | null = null;
  /** Queued runs in the store; null until first counted. */
  #count: number | null = null;
  readonly #readLane: ReadLane<StoredQueuedRun> = (lane, after, limit) => {
    if (!after) return this.#rows(`SELECT * FROM queued WHERE lane = ? ${ORDER} LIMIT ?`, lane, limit);
    // Keyset pages along the primary key: the rest of `after`'s priority, then the lower priorities.
    const same = this.#rows(
      "SELECT * FROM queued WHERE lane = ? AND priority = ? AND (enqueued_at, id) > (?, ?) ORDER BY enqueued_at, id LIMIT ?",
      lane,
      after.priority,
      after.enqueuedAt,
      after.id,
      limit,
    );
    if (same.length === limit) return same;
    const lower = `SELECT * FROM queued WHERE lane = ? AND priority < ? ${ORDER} LIMIT ?`;
    return [...same, ...this.#rows(lower, lane, after.priority, limit - same.length)];
  };

  readonly #park = (lane: Lane<StoredQueuedRun>, bucketIndex: number) => this.#lanes?.park(lane, bucketIndex);

  readonly #laneSource: LaneSource<StoredQueuedRun>;

  /** `laneCache`, `cacheBudget`: how many runs a lane, and all lanes, keep in memory (queue-lanes.ts); tests make them small. */
  constructor(
    private readonly storage: DurableObjectStorage,
    { laneCache = LANE_CACHE, cacheBudget = LANE_CACHE_BUDGET }: { laneCache?: number; cacheBudget?: number } = {},
  ) {
    this.#laneSource = { read: this.#readLane, cacheSize: laneCache, cacheBudget };
    migrateCoordinatorSchema(storage);
    this.inProgressRuns = new InProgressStore(storage);
    const saved = this.sql.exec("SELECT value FROM meta WHERE key = 'lane_limits'").toArray()[0]?.value;
    if (typeof saved === "string") {
      this.#laneLimitsJson = saved;
      this.#laneLimits = JSON.parse(saved) as TagConcurrencyLimit[];
    }
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  #laneOf(tags: Readonly<Record<string, string>>, tagsJson = JSON.stringify(tags)): LaneOfTags {
    let lane = this.#laneMemo.get(tagsJson);
    if (lane === undefined) {
      if (this.#laneMemo.size >= LANE_MEMO) this.#laneMemo.clear();
      const bucketIds = limitBucketsOf(this.#laneLimits, tags).map(bucketId);
      lane = { lane: laneOfBuckets(bucketIds), bucketIds };
      this.#laneMemo.set(tagsJson, lane);
    }
    return lane;
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
    this.#laneMemo.clear();
    this.storage.transactionSync(() => {
      for (const row of this.sql.exec("SELECT id, tags FROM queued").toArray()) {
        this.sql.exec(
          "UPDATE queued SET lane = ? WHERE id = ?",
          this.#laneOf(parseTags(row.tags), String(row.tags)).lane,
          row.id,
        );
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

  enqueue(run: {
    id: string;
    tags: Record<string, string>;
    enqueuedAt: number;
    eventsUrl: string;
    location?: string | null;
  }): boolean {
    if (this.inProgressRuns.has(run.id)) return false;
    const tagsJson = JSON.stringify(run.tags);
    const stored: StoredQueuedRun = {
      id: run.id,
      tags: run.tags,
      enqueuedAt: run.enqueuedAt,
      priority: priorityOf(run),
      eventsUrl: run.eventsUrl,
      lane: this.#laneOf(run.tags, tagsJson).lane,
      location: run.location ?? null,
    };
    const inserted =
      this.sql.exec(
        "INSERT INTO queued (id, priority, enqueued_at, tags, events_url, lane, location) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        stored.id,
        stored.priority,
        stored.enqueuedAt,
        tagsJson,
        stored.eventsUrl,
        stored.lane,
        stored.location,
      ).rowsWritten > 0;
    if (!inserted) return false;
    if (this.#count !== null) this.#count += 1;
    this.#noteEventsBase(run.eventsUrl);
    this.#lanes?.added(stored);
    return true;
  }

  /** Only a hint for runs adopted from D1 (`eventsUrlFor`): written when it changes, not atomically with the run. */
  #noteEventsBase(eventsUrl: string): void {
    const saved = this.#savedEventsBase();
    if (saved && eventsUrl.startsWith(`${saved}/api/runs/`)) return;
    const base = /^(.*)\/api\/runs\/[^/]+\/events$/.exec(eventsUrl)?.[1];
    if (base && base !== saved) {
      this.#setMeta("events_base", base);
      this.#eventsBase = base;
    }
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

  getQueued(id: string): StoredQueuedRun | null {
    const row = this.sql.exec("SELECT * FROM queued WHERE id = ?", id).toArray()[0];
    return row ? toQueued(row) : null;
  }

  /** Deletes a queued run of a known lane. */
  /** Deletes a queued run by its primary key (the row is found without the id index). */
  #deleteQueued(run: StoredQueuedRun): boolean {
    const deleted = this.sql.exec(
      "DELETE FROM queued WHERE lane = ? AND priority = ? AND enqueued_at = ? AND id = ?",
      run.lane,
      run.priority,
      run.enqueuedAt,
      run.id,
    ).rowsWritten;
    if (deleted === 0) return false;
    if (this.#count !== null) this.#count -= 1;
    this.#lanes?.removed(run.id, run.lane);
    return true;
  }

  removeQueued(id: string): boolean {
    const run = this.getQueued(id);
    return run !== null && this.#deleteQueued(run);
  }

  /** The queued runs in launch order, read lazily (the default coordinator: no limits, no lanes). */
  queuedInOrder(): Generator<StoredQueuedRun> {
    return this.#loadedLanes().launchOrder();
  }

  /**
   * The queued runs no full tag limit blocks, in launch order, read lazily (lane-merge.ts).
   * `counter` counts the runs in progress under the limits given to `laneBy`; the pass adds to it.
   */
  queuedByLanes(counter: ConcurrencyCounter): Generator<StoredQueuedRun> {
    const lanes = this.#loadedLanes();
    return mergeLanes(lanes.candidates(), counter, this.#park);
  }

  /** One page of the queue in launch order; position = offset + index + 1. */
  queuedPage(offset: number, limit: number): StoredQueuedRun[] {
    const page: StoredQueuedRun[] = [];
    if (limit <= 0) return page;
    let position = 0;
    for (const run of this.#loadedLanes().launchOrder()) {
      if (position++ < offset) continue;
      page.push(run);
      if (page.length === limit) break;
    }
    return page;
  }

  /** The first queued run in launch order. */
  firstQueued(): StoredQueuedRun | null {
    return this.#loadedLanes().first();
  }

  countQueued(): number {
    this.#count ??= Number(this.sql.exec("SELECT count(*) AS n FROM queued").one().n);
    return this.#count;
  }

  topPriority(): number | null {
    return this.firstQueued()?.priority ?? null;
  }

  /** The lanes in memory, read from SQLite the first time: one index seek per lane (a skip scan of the key). */
  #loadedLanes(): QueueLanes<StoredQueuedRun> {
    this.#lanes ??= QueueLanes.load(
      this.#laneSource,
      this.sql
        .exec(
          `WITH RECURSIVE lanes (lane) AS (
             SELECT min(lane) FROM queued
             UNION ALL SELECT (SELECT min(lane) FROM queued WHERE lane > lanes.lane) FROM lanes WHERE lanes.lane IS NOT NULL)
           SELECT lane FROM lanes WHERE lane IS NOT NULL`,
        )
        .toArray()
        .map((row) => String(row.lane)),
    );
    return this.#lanes;
  }

  #rows(query: string, ...bindings: SqlStorageValue[]): StoredQueuedRun[] {
    return this.sql
      .exec(query, ...bindings)
      .toArray()
      .map(toQueued);
  }

  /** Changes a queued run's priority (and its `flightdeck/priority` tag, which launch order reads). */
  setPriority(id: string, priority: number, tags: Record<string, string>): void {
    const { lane } = this.#laneOf(tags);
    const before = this.sql.exec("SELECT lane FROM queued WHERE id = ?", id).toArray()[0]?.lane;
    this.sql.exec(
      "UPDATE queued SET priority = ?, tags = ?, lane = ? WHERE id = ?",
      priority,
      JSON.stringify(tags),
      lane,
      id,
    );
    // Its place in its lane moved (and its lane, if a limit is keyed on the priority tag): read the lanes again.
    if (typeof before === "string" && before !== lane) this.#lanes?.reread(before);
    this.#lanes?.reread(lane);
  }

  /** Moves the runs an admission pass chose from the queue to in progress, state `launching`. */
  admit(runs: readonly StoredQueuedRun[], now: number): void {
    this.storage.transactionSync(() => {
      for (const run of runs) {
        this.#deleteQueued(run);
        this.inProgressRuns.insertLaunching(run, now);
      }
    });
    this.inProgressRuns.cacheLaunching(runs, now);
  }

  // The runs in progress live in in-progress-store.ts; these keep the object's one storage API.
  adopt(run: TaggedRun & { since: number }): void {
    this.inProgressRuns.adopt(run);
  }
  inProgress(): readonly StoredInProgressRun[] {
    return this.inProgressRuns.list();
  }
  getInProgress(id: string): StoredInProgressRun | null {
    return this.inProgressRuns.get(id);
  }
  setInProgressState(id: string, state: InProgressState): void {
    this.inProgressRuns.setState(id, state);
  }
  /** Frees the slots of runs that ended; lanes parked on a bucket they held go back to the head order. */
  free(ids: readonly string[]): number {
    const ended = this.#lanes ? ids.flatMap((id) => this.inProgressRuns.get(id) ?? []) : [];
    const freed = this.inProgressRuns.free(ids);
    for (const run of ended) this.#lanes?.bucketsFreed(this.#laneOf(run.tags).bucketIds);
    return freed;
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
