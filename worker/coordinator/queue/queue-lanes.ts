/**
 * The queue's lanes as an admission pass reads them, in memory: every non-empty lane with its first
 * few runs. QueueStore (queue-store.ts) owns the SQLite rows and tells this class of every change;
 * this class reads SQLite only through `readLane`, to fill a lane whose cached runs ran out.
 *
 * Two things keep a pass's cost flat however long the queue is:
 * - A lane keeps its first runs, in launch order (up to LANE_CACHE, fewer when there are many
 *   lanes: LANE_CACHE_BUDGET), and reads the next ones only when they run out: an admission deletes
 *   a lane's head, and reading the next head back right after the delete was a third of the
 *   SQLite work of an admission. `complete` says the cache holds the whole lane, so a run enqueued
 *   behind it is cached too.
 * - A lane a pass found blocked is parked on the full bucket that blocked it, out of the head order
 *   the next passes walk, until a run holding that bucket ends (`bucketsFreed`). Counts of a bucket
 *   only fall when a run in progress ends, so a parked lane is blocked until then; passes never
 *   walk the lanes piled up behind full limits again and again (with a per-user limit, thousands).
 */

import { bucketId, type LimitBucket, parseLimitLane } from "../../../protocol/tag-limits";
import { type Lane, mergeInLaunchOrder } from "./lane-merge";
import { compareLaunchOrderKeys, type LaunchOrderKey, type QueuedRun } from "./queue-policy";

export const LANE_CACHE = 64;
/** Runs held in memory over all lanes, about: with many lanes (a per-user limit), each holds fewer. */
export const LANE_CACHE_BUDGET = 16_384;

export type LanedRun = QueuedRun & {
  readonly priority: number;
  /** `limitLaneOf` its tags under the limits the queue is laned by. */
  readonly lane: string;
};

/** The runs of `lane` after the run of key `after` (null: from its start), at most `limit`, in launch order. */
export type ReadLane<R extends LanedRun> = (lane: string, after: LaunchOrderKey | null, limit: number) => R[];

/**
 * Where lanes read their runs; how many a lane keeps in memory at most (LANE_CACHE), and about how
 * many all lanes keep together (LANE_CACHE_BUDGET). Tests make both small, to read more.
 */
export type LaneSource<R extends LanedRun> = {
  readonly read: ReadLane<R>;
  readonly cacheSize: number;
  readonly cacheBudget: number;
};

/** The stored priority is `priorityOf(tags)`, kept in step with the tags: no need to parse the tag again. */
export function launchOrderKey(run: LanedRun): LaunchOrderKey {
  return { priority: run.priority, enqueuedAt: run.enqueuedAt, id: run.id };
}

/** One non-empty lane. A class, not a literal with a closure: a pass walks many lanes. */
class CachedLane<R extends LanedRun> implements Lane<R> {
  key: LaunchOrderKey;
  /** The bucket id this lane is parked on, or null when it is in the head order. */
  parkedOn: string | null = null;
  readonly buckets: readonly LimitBucket[];

  constructor(
    private readonly source: LaneSource<R>,
    readonly lane: string,
    /** The lane's first runs, in launch order; never empty. */
    public runs: R[],
    /** The cache holds every run of the lane. */
    public complete: boolean,
  ) {
    this.buckets = parseLimitLane(lane);
    this.key = launchOrderKey(runs[0] as R);
  }

  get head(): R {
    return this.runs[0] as R;
  }

  /** The cached runs after the head, then the rest of the lane from SQLite in pages. */
  *rest(): Generator<R> {
    const runs = this.runs;
    for (let i = 1; i < runs.length; i++) yield runs[i] as R;
    if (this.complete) return;
    let last = runs[runs.length - 1] as R;
    for (;;) {
      const page = this.source.read(this.lane, launchOrderKey(last), this.source.cacheSize);
      yield* page;
      if (page.length < this.source.cacheSize) return;
      last = page[page.length - 1] as R;
    }
  }

  /** Every run of the lane, in launch order. */
  *all(): Generator<R> {
    yield this.head;
    yield* this.rest();
  }
}

export class QueueLanes<R extends LanedRun> {
  readonly #byLane = new Map<string, CachedLane<R>>();
  /** Every lane not parked, in the launch order of its head. */
  readonly #order: CachedLane<R>[] = [];
  /** The parked lanes by the bucket they wait on. */
  readonly #parked = new Map<string, Set<CachedLane<R>>>();

  constructor(private readonly source: LaneSource<R>) {}

  /** Fills the lanes from SQLite (`lanes`: every lane that has a run); none is parked. */
  static load<R extends LanedRun>(source: LaneSource<R>, lanes: Iterable<string>): QueueLanes<R> {
    const loaded = new QueueLanes(source);
    for (const lane of lanes) loaded.#readIn(lane);
    return loaded;
  }

  /**
   * The lanes not parked, in the launch order of their heads, for one pass: read before anything
   * else changes the queue. A lane parked while it is read (`park`) leaves the order at once.
   */
  *candidates(): Generator<Lane<R>> {
    const order = this.#order;
    for (let i = 0; i < order.length; ) {
      const lane = order[i] as CachedLane<R>;
      yield lane;
      if (order[i] === lane) i++; // else it was parked: the next lane moved up to i
    }
  }

  /** The whole queue in launch order, read lazily: a merge of every lane, parked or not. */
  launchOrder(): Generator<R> {
    return mergeInLaunchOrder([...this.#byLane.values()].map((lane) => lane.all()));
  }

  /** The first run of the whole queue in launch order (the first head of all lanes, parked or not). */
  first(): R | null {
    let first: CachedLane<R> | null = null;
    for (const lane of this.#byLane.values()) {
      if (!first || compareLaunchOrderKeys(lane.key, first.key) < 0) first = lane;
    }
    return first?.head ?? null;
  }

  /** A pass found `lane` blocked by its bucket at `bucketIndex`: out of the head order until that bucket frees. */
  park(lane: Lane<R>, bucketIndex: number): void {
    const bucket = lane.buckets?.[bucketIndex];
    if (!(lane instanceof CachedLane) || !bucket || lane.parkedOn !== null || this.#byLane.get(lane.lane) !== lane)
      return;
    this.#unplace(lane);
    const id = bucketId(bucket);
    lane.parkedOn = id;
    let parked = this.#parked.get(id);
    if (!parked) {
      parked = new Set();
      this.#parked.set(id, parked);
    }
    parked.add(lane);
  }

  /** A run in progress that held these buckets ended: the lanes parked on them go back to the head order. */
  bucketsFreed(bucketIds: readonly string[]): void {
    for (const id of bucketIds) {
      const parked = this.#parked.get(id);
      if (!parked) continue;
      this.#parked.delete(id);
      for (const lane of parked) {
        lane.parkedOn = null;
        this.#place(lane);
      }
    }
  }

  /** A run was stored in the queue. */
  added(run: R): void {
    const cached = this.#byLane.get(run.lane);
    if (!cached) {
      this.#place(new CachedLane(this.source, run.lane, [run], true));
      return;
    }
    const key = launchOrderKey(run);
    const runs = cached.runs;
    let at = runs.length;
    while (at > 0 && compareLaunchOrderKeys(launchOrderKey(runs[at - 1] as R), key) > 0) at--;
    if (at === runs.length && !cached.complete) return; // behind the cached runs: read when they run out
    if (at === 0) this.#beforeHeadChange(cached);
    runs.splice(at, 0, run);
    if (runs.length > this.#laneCap()) {
      runs.pop();
      cached.complete = false;
    }
    if (at === 0) this.#afterHeadChange(cached);
  }

  /** A run of `lane` was deleted from the queue. */
  removed(id: string, lane: string): void {
    const cached = this.#byLane.get(lane);
    const at = cached ? cached.runs.findIndex((run) => run.id === id) : -1;
    if (!cached || at === -1) return; // not among the cached runs: nothing held here changes
    if (at > 0) {
      cached.runs.splice(at, 1);
      return;
    }
    this.#beforeHeadChange(cached);
    cached.runs.splice(0, 1);
    if (cached.runs.length === 0 && !cached.complete) this.#fill(cached);
    if (cached.runs.length > 0) this.#afterHeadChange(cached);
    else this.#drop(cached); // the lane is empty
  }

  /** `lane` changed in a way the cache cannot follow (a priority changed): read it again. */
  reread(lane: string): void {
    const cached = this.#byLane.get(lane);
    if (!cached) {
      this.#readIn(lane);
      return;
    }
    this.#beforeHeadChange(cached);
    this.#fill(cached);
    if (cached.runs.length > 0) this.#afterHeadChange(cached);
    else this.#drop(cached);
  }

  #fill(cached: CachedLane<R>): void {
    const cap = this.#laneCap();
    cached.runs = this.source.read(cached.lane, null, cap);
    cached.complete = cached.runs.length < cap;
  }

  /** A lane not held yet, read from SQLite. */
  #readIn(lane: string): void {
    const cap = this.#laneCap();
    const runs = this.source.read(lane, null, cap);
    if (runs.length > 0) this.#place(new CachedLane(this.source, lane, runs, runs.length < cap));
  }

  /** How many runs a lane reads in: its share of the budget, between 1 and the cache size. */
  #laneCap(): number {
    const share = Math.floor(this.source.cacheBudget / Math.max(1, this.#byLane.size));
    return Math.max(1, Math.min(this.source.cacheSize, share));
  }

  /** Out of the head order while its key changes (a parked lane is not in it). */
  #beforeHeadChange(cached: CachedLane<R>): void {
    if (cached.parkedOn === null) this.#unplace(cached);
  }

  #afterHeadChange(cached: CachedLane<R>): void {
    cached.key = launchOrderKey(cached.head);
    if (cached.parkedOn === null) this.#order.splice(this.#indexOf(cached.key), 0, cached);
  }

  /** Forgets an emptied lane, already out of the head order. */
  #drop(cached: CachedLane<R>): void {
    this.#byLane.delete(cached.lane);
    if (cached.parkedOn === null) return;
    const parked = this.#parked.get(cached.parkedOn);
    parked?.delete(cached);
    if (parked?.size === 0) this.#parked.delete(cached.parkedOn);
  }

  #place(cached: CachedLane<R>): void {
    this.#byLane.set(cached.lane, cached);
    this.#order.splice(this.#indexOf(cached.key), 0, cached);
  }

  #unplace(cached: CachedLane<R>): void {
    this.#order.splice(this.#indexOf(cached.key), 1);
  }

  /** Where `key` is, or goes, in the head order (binary search; ids make keys unique). */
  #indexOf(key: LaunchOrderKey): number {
    let low = 0;
    let high = this.#order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareLaunchOrderKeys((this.#order[middle] as CachedLane<R>).key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
