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
import { type TagConcurrencyLimit, tagLimitKind } from "../../protocol/instance-config";

export interface TaggedRun {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type TagLimitKind = "key" | "value" | "per_unique_value";

/**
 * One tag limit as it applies to one run: how full it is and which in-progress runs hold it.
 * snake_case because it travels as is in GET /api/queue. `value` is null for a `key` limit, and
 * the run's own value for a `per_unique_value` limit.
 */
export interface TagLimitUsage {
  readonly kind: TagLimitKind;
  readonly key: string;
  readonly value: string | null;
  readonly limit: number;
  readonly in_use: number;
  readonly held_by: readonly string[];
}

export interface ConcurrencyLimitsConfig {
  readonly max_concurrent_runs: number;
  readonly tag_concurrency_limits: readonly TagConcurrencyLimit[];
}

/**
 * Tags that certainly block a run for the rest of a pass: a run having a key in `keys`, or one of
 * the `pairs`, cannot launch. The Durable Object may exclude such runs from its cursor query.
 */
export interface BlockedTagFilter {
  readonly keys: readonly string[];
  readonly pairs: readonly { readonly key: string; readonly value: string }[];
}

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
    for (const [key, value] of Object.entries(run.tags)) {
      if (this.byKey.get(key)?.isFull) return true;
      if (this.byValue.get(key)?.get(value)?.isFull) return true;
      const perValue = this.perValue.get(key);
      if (perValue && (perValue.buckets.get(value)?.inUse ?? 0) >= perValue.limit) return true;
    }
    return false;
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
    for (const [key, value] of Object.entries(run.tags)) {
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

  blockedTagFilter(): BlockedTagFilter {
    const keys: string[] = [];
    const pairs: { key: string; value: string }[] = [];
    for (const [key, bucket] of this.byKey) if (bucket.isFull) keys.push(key);
    for (const [key, values] of this.byValue) {
      for (const [value, bucket] of values) if (bucket.isFull) pairs.push({ key, value });
    }
    for (const [key, perValue] of this.perValue) {
      if (perValue.limit === 0) keys.push(key);
      else for (const [value, bucket] of perValue.buckets) if (bucket.isFull) pairs.push({ key, value });
    }
    return { keys, pairs };
  }
}

/**
 * The run's lane: every tag limit bucket it counts against under `limits`, as one canonical string.
 * `isBlockedByTags` reads nothing else of a run, so runs of one lane are blocked or free together:
 * the Durable Object keeps its queue partitioned by lane and looks only at the head of each free
 * lane (lane-merge.ts), never at the runs piled up behind a full limit. Runs with no limited tag
 * share the lane "[]".
 */
export function limitLaneOf(limits: readonly TagConcurrencyLimit[], tags: Readonly<Record<string, string>>): string {
  const buckets = new Set<string>();
  for (const limit of limits) {
    const value = tags[limit.key];
    if (value === undefined) continue;
    const kind = tagLimitKind(limit);
    if (kind === "key") buckets.add(JSON.stringify(["key", limit.key]));
    else if (kind === "per_unique_value") buckets.add(JSON.stringify(["per_unique_value", limit.key, value]));
    else if (limit.value === value) buckets.add(JSON.stringify(["value", limit.key, value]));
  }
  return `[${[...buckets].sort().join(",")}]`;
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
