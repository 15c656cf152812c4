/**
 * When each queued run should start: the estimate DESIGN §8 promises next to every run's reason.
 * No peer computes one; Dagster shows none.
 *
 * The model, deliberately simple and stated so the dashboard can say "about":
 * - Every run takes the typical duration D, the median of the recent run durations given (the
 *   median, so that one stuck run does not move every estimate). With no history, nothing is known
 *   and every estimate is null.
 * - A run in progress ends at start + D. One already past D has outrun the only basis there is:
 *   when it ends is unknown, and so is the start of every run that must wait for its slot (null),
 *   rather than a guess of "now" that would promise a start any moment behind a run that may take
 *   hours more.
 * - Each limit (the global one, and each tag limit bucket) has `limit` slots; a slot frees when the
 *   run holding it ends. Walking the queue in launch order, a run starts at the earliest time at
 *   which the global limit and every tag limit it counts against each have a free slot, then holds
 *   one slot of each for D. This greedy list schedule lets a later run start before an earlier
 *   blocked one, as the real queue does; it ignores that a run may wait on one limit while holding
 *   no other, so under several contended limits it errs late.
 * - A paused queue or a zero limit gives null: the run starts when an operator acts, not by itself.
 *
 * Cost: O(n · (tags + log slots)); meant for the dashboard, not for the admission pass.
 */
import { countInProgressRuns, type TaggedRun } from "../../../protocol/tag-limits";
import type { QueuedRun, QueuePolicyConfig } from "./queue-policy";

export interface RunInProgress extends TaggedRun {
  /** When the run was launched (moved to STARTING), in ms since the epoch. */
  readonly launchedAt: number;
}

export interface StartEstimateInput {
  /** The runs left waiting, in launch order. */
  readonly queued: Iterable<QueuedRun>;
  readonly inProgress: readonly RunInProgress[];
  readonly config: QueuePolicyConfig;
  readonly paused: boolean;
  /** Durations of recently finished runs, in ms. */
  readonly recentDurationsMs: readonly number[];
  readonly now: number;
}

export interface StartEstimate {
  readonly runId: string;
  /** ms since the epoch; null when it depends on an operator or nothing is known. */
  readonly estimatedStartAt: number | null;
}

export function typicalDurationMs(durations: readonly number[]): number | null {
  const sorted = durations.filter((ms) => Number.isFinite(ms) && ms >= 0).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (upper === undefined) return null;
  const lower = sorted[middle - 1];
  return sorted.length % 2 === 1 || lower === undefined ? upper : (lower + upper) / 2;
}

/** The times at which a limit's busy slots free up (a binary min-heap), plus how many are free now. */
class Slots {
  private readonly busy: number[];
  private freeNow: number;

  /** `holderEnds` of more holders than `limit` (the limit was lowered): the last `limit` to end count. */
  constructor(
    limit: number,
    holderEnds: readonly number[],
    private readonly now: number,
  ) {
    const ends = [...holderEnds].sort((a, b) => a - b);
    this.busy = ends.slice(Math.max(0, ends.length - limit)); // sorted ascending is a valid min-heap
    this.freeNow = limit - this.busy.length;
  }

  earliest(): number {
    return this.freeNow > 0 ? this.now : (this.busy[0] ?? Number.POSITIVE_INFINITY);
  }

  /** Take the earliest slot and keep it until `until`. */
  occupy(until: number): void {
    if (this.freeNow > 0) {
      this.freeNow -= 1;
      this.busy.push(until);
      this.siftUp(this.busy.length - 1);
    } else if (this.busy.length > 0) {
      this.busy[0] = until;
      this.siftDown(0);
    }
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.swapIfLess(child, parent)) return;
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (this.at(left) < this.at(smallest)) smallest = left;
      if (this.at(right) < this.at(smallest)) smallest = right;
      if (smallest === parent) return;
      this.swapIfLess(smallest, parent);
      parent = smallest;
    }
  }

  private at(index: number): number {
    return this.busy[index] ?? Number.POSITIVE_INFINITY;
  }

  private swapIfLess(child: number, parent: number): boolean {
    const childTime = this.at(child);
    const parentTime = this.at(parent);
    if (!(childTime < parentTime)) return false;
    this.busy[child] = parentTime;
    this.busy[parent] = childTime;
    return true;
  }
}

export function estimateStartTimes(input: StartEstimateInput): StartEstimate[] {
  const { config, now } = input;
  const duration = typicalDurationMs(input.recentDurationsMs);
  const queued = [...input.queued];
  const unknown = () => queued.map((run) => ({ runId: run.id, estimatedStartAt: null }));
  if (config.type === "default") return queued.map((run) => ({ runId: run.id, estimatedStartAt: now }));
  if (input.paused || config.paused || duration === null || config.max_concurrent_runs === 0) return unknown();

  const endOf = new Map(
    input.inProgress.map((run) => {
      const end = run.launchedAt + duration;
      return [run.id, end < now ? Number.POSITIVE_INFINITY : end];
    }),
  );
  const endsOf = (ids: readonly string[]) => ids.map((id) => endOf.get(id) ?? now);
  const global =
    config.max_concurrent_runs === -1 ? null : new Slots(config.max_concurrent_runs, endsOf([...endOf.keys()]), now);
  const counter = countInProgressRuns(config, input.inProgress);
  const buckets = new Map<string, Slots>();

  return queued.map((run) => {
    const usages = counter.tagLimitsFor(run);
    if (usages.some((usage) => usage.limit === 0)) return { runId: run.id, estimatedStartAt: null };
    const slots = usages.map((usage) => {
      const id = `${usage.kind}\u0000${usage.key}\u0000${usage.value ?? ""}`;
      let bucket = buckets.get(id);
      if (!bucket) {
        bucket = new Slots(usage.limit, endsOf(usage.held_by), now);
        buckets.set(id, bucket);
      }
      return bucket;
    });
    if (global) slots.push(global);
    const start = Math.max(now, ...slots.map((slot) => slot.earliest()));
    for (const slot of slots) slot.occupy(start + duration);
    return { runId: run.id, estimatedStartAt: Number.isFinite(start) ? Math.round(start) : null };
  });
}
