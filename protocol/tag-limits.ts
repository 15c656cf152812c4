/**
 * Counting in-progress runs against `max_concurrent_runs` and the tag concurrency limits: Dagster's
 * TagConcurrencyLimitsCounter (`_utils/tags.py`), plus the global limit and the bookkeeping the queue
 * needs to say which runs hold a limit.
 *
 * Semantics, exactly Dagster's: `{key, limit}` counts every run having the key, whatever its value;
 * `{key, value, limit}` counts runs whose tag has that exact value; `{key, value:
 * {applyLimitPerUniqueValue: true}, limit}` is one separate limit for every distinct value. A run is
 * blocked when any limit it counts against is full (count ≥ limit), so a limit of 0 blocks every
 * run it matches and a run with several limited tags needs room in all of them. If two limits of the
 * same kind name the same key (and value), the later one wins, as in Dagster; the config schema
 * refuses that case anyway.
 *
 * A counter lives for one admission pass: build it from the in-progress runs, ask, and `add` each
 * run the pass launches. Counts only grow during a pass, so a run found blocked stays blocked.
 */
import { type TagConcurrencyLimit, tagLimitKind } from "./instance-config";
import type { TagLimitUsage } from "./queue";

export interface TaggedRun {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type TagLimitKind = "key" | "value" | "per_unique_value";

export interface ConcurrencyLimitsConfig {
  readonly max_concurrent_runs: number;
  readonly tag_concurrency_limits: readonly TagConcurrencyLimit[];
}

/**
 * One tag limit bucket a run counts against, as stored in its lane (`limitLaneOf`): `["key", key]`,
 * `["value", key, value]` or `["per_unique_value", key, value]`.
 */
export type LimitBucket = readonly [TagLimitKind, string] | readonly [TagLimitKind, string, string];

class Bucket {
  private readonly holders: string[] = [];
  private snapshot: readonly string[] | null = null;
  constructor(readonly limit: number) {}
  get inUse(): number {
    return this.holders.length;
  }
  get isFull(): boolean {
    return this.holders.length >= this.limit;
  }
  hold(runId: string): void {
    this.holders.push(runId);
    this.snapshot = null;
  }
  /** A frozen copy shared by every reason built until the next `hold`. */
  heldBy(): readonly string[] {
    this.snapshot ??= Object.freeze([...this.holders]);
    return this.snapshot;
  }
}

interface PerValueLimit {
  readonly limit: number;
  readonly buckets: Map<string, Bucket>;
}

export class ConcurrencyCounter {
  /** -1: no limit. */
  readonly maxConcurrentRuns: number;
  private inUse = 0;
  private readonly byKey = new Map<string, Bucket>();
  private readonly byValue = new Map<string, Map<string, Bucket>>();
  private readonly perValue = new Map<string, PerValueLimit>();

  constructor(config: ConcurrencyLimitsConfig, inProgress: Iterable<TaggedRun>) {
    this.maxConcurrentRuns = config.max_concurrent_runs;
    for (const limit of config.tag_concurrency_limits) {
      const kind = tagLimitKind(limit);
      if (kind === "key") this.byKey.set(limit.key, new Bucket(limit.limit));
      else if (kind === "per_unique_value") this.perValue.set(limit.key, { limit: limit.limit, buckets: new Map() });
      else if (typeof limit.value === "string") {
        const values = this.byValue.get(limit.key) ?? new Map<string, Bucket>();
        values.set(limit.value, new Bucket(limit.limit));
        this.byValue.set(limit.key, values);
      }
    }
    for (const run of inProgress) this.add(run);
  }

  /** Runs counted: in progress, plus those added during this pass. */
  get runsInProgress(): number {
    return this.inUse;
  }

  hasGlobalRoom(): boolean {
    return this.maxConcurrentRuns === -1 || this.inUse < this.maxConcurrentRuns;
  }

  /** Dagster's `is_blocked`: some tag limit the run counts against is full. Builds no reasons: the hot path. */
  isBlockedByTags(run: TaggedRun): boolean {
    for (const key in run.tags) {
      const value = run.tags[key] as string;
      if (this.byKey.get(key)?.isFull) return true;
      if (this.byValue.get(key)?.get(value)?.isFull) return true;
      const perValue = this.perValue.get(key);
      if (perValue && (perValue.buckets.get(value)?.inUse ?? 0) >= perValue.limit) return true;
    }
    return false;
  }

  /**
   * `isBlockedByTags` for every run of a lane, from the lane's buckets (`limitBucketsOf`, with the
   * limits this counter was built from): the index of the first full bucket, or -1 when the lane
   * is free. The check an admission pass makes of each lane's head.
   */
  laneBlockedAt(buckets: readonly LimitBucket[]): number {
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as LimitBucket;
      const kind = bucket[0];
      const key = bucket[1];
      if (kind === "key") {
        if (this.byKey.get(key)?.isFull) return i;
      } else if (kind === "value") {
        if (this.byValue.get(key)?.get(bucket[2] ?? "")?.isFull) return i;
      } else {
        const perValue = this.perValue.get(key);
        if (perValue && (perValue.buckets.get(bucket[2] ?? "")?.inUse ?? 0) >= perValue.limit) return i;
      }
    }
    return -1;
  }

  /** Every tag limit the run counts against, full or not, in the order of the run's tags. */
  tagLimitsFor(run: TaggedRun): TagLimitUsage[] {
    const usages: TagLimitUsage[] = [];
    for (const [key, value] of Object.entries(run.tags)) {
      const byKey = this.byKey.get(key);
      if (byKey) usages.push(usageOf("key", key, null, byKey));
      const byValue = this.byValue.get(key)?.get(value);
      if (byValue) usages.push(usageOf("value", key, value, byValue));
      const perValue = this.perValue.get(key);
      if (perValue) {
        const bucket = perValue.buckets.get(value);
        usages.push(
          bucket
            ? usageOf("per_unique_value", key, value, bucket)
            : { kind: "per_unique_value", key, value, limit: perValue.limit, in_use: 0, held_by: [] },
        );
      }
    }
    return usages;
  }

  /** Count a run as in progress (Dagster's `update_counters_with_launched_item`). */
  add(run: TaggedRun): void {
    this.inUse += 1;
    for (const key in run.tags) {
      const value = run.tags[key] as string;
      this.byKey.get(key)?.hold(run.id);
      this.byValue.get(key)?.get(value)?.hold(run.id);
      const perValue = this.perValue.get(key);
      if (!perValue) continue;
      let bucket = perValue.buckets.get(value);
      if (!bucket) {
        bucket = new Bucket(perValue.limit);
        perValue.buckets.set(value, bucket);
      }
      bucket.hold(run.id);
    }
  }
}

/**
 * Every tag limit bucket the run counts against under `limits`, in a canonical order (sorted, no
 * repeats). `isBlockedByTags` reads nothing else of a run.
 */
export function limitBucketsOf(
  limits: readonly TagConcurrencyLimit[],
  tags: Readonly<Record<string, string>>,
): LimitBucket[] {
  const buckets = new Map<string, LimitBucket>();
  for (const limit of limits) {
    const value = tags[limit.key];
    if (value === undefined) continue;
    const kind = tagLimitKind(limit);
    let bucket: LimitBucket | null = null;
    if (kind === "key") bucket = ["key", limit.key];
    else if (kind === "per_unique_value") bucket = ["per_unique_value", limit.key, value];
    else if (limit.value === value) bucket = ["value", limit.key, value];
    if (bucket) buckets.set(bucketId(bucket), bucket);
  }
  return [...buckets.keys()].sort().map((id) => buckets.get(id) as LimitBucket);
}

/** A bucket's name: its JSON, as it appears in lane strings. */
export function bucketId(bucket: LimitBucket): string {
  return JSON.stringify(bucket);
}

/**
 * The run's lane: its limit buckets (`limitBucketsOf`) as one canonical string, which
 * `parseLimitLane` reads back. Runs of one lane are blocked or free together: the Durable Object
 * keeps its queue partitioned by lane and looks only at the head of each free lane (lane-merge.ts),
 * never at the runs piled up behind a full limit. Runs with no limited tag share the lane "[]".
 */
export function limitLaneOf(limits: readonly TagConcurrencyLimit[], tags: Readonly<Record<string, string>>): string {
  return laneOfBuckets(limitBucketsOf(limits, tags).map(bucketId));
}

/** The lane of the buckets of these ids (`bucketId`), in `limitBucketsOf`'s order. */
export function laneOfBuckets(bucketIds: readonly string[]): string {
  return `[${bucketIds.join(",")}]`;
}

export function parseLimitLane(lane: string): LimitBucket[] {
  return JSON.parse(lane) as LimitBucket[];
}

function usageOf(kind: TagLimitKind, key: string, value: string | null, bucket: Bucket): TagLimitUsage {
  return { kind, key, value, limit: bucket.limit, in_use: bucket.inUse, held_by: bucket.heldBy() };
}

/** Build the counter of one admission pass from the runs in progress (STARTING, STARTED, CANCELING). */
export function countInProgressRuns(
  config: ConcurrencyLimitsConfig,
  inProgress: Iterable<TaggedRun>,
): ConcurrencyCounter {
  return new ConcurrencyCounter(config, inProgress);
}
