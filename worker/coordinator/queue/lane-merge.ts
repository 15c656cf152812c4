/**
 * The queue as the admission pass reads it, in launch order, without visiting the runs piled up
 * behind a full tag limit. The Durable Object partitions its queue into lanes (`limitLaneOf`, in
 * protocol/tag-limits.ts): runs of one lane count against exactly the same limit buckets, so they are blocked or
 * free together, and only a lane's head needs a look. A pass walks the lanes in the launch order of
 * their heads and merges the runs of the free ones; a lane whose head is blocked is passed over for
 * the rest of the pass, since counts only grow during a pass.
 *
 * Fed to `selectRunsToLaunch` (queue-policy.ts), which still decides every launch: the merge only
 * leaves out runs the policy would skip. Both read one counter, the pass's: the policy launches
 * every run it is handed that no tag limit blocks (and adds it to the counter before it pulls the
 * next), or stops pulling. The merge ends once the global limit is full, where the policy would
 * stop anyway (so the policy's `rest` is null). Cost of a pass: one step per run handed
 * out, plus one cheap check per lane whose head comes first and is blocked — never the queue's length.
 */
import type { ConcurrencyCounter, LimitBucket } from "../../../protocol/tag-limits";
import { compareLaunchOrderKeys, type LaunchOrderKey, launchOrderKeyOf, type QueuedRun } from "./queue-policy";

export interface Lane<R extends QueuedRun> {
  /** The lane's first run in launch order. */
  readonly head: R;
  /** `launchOrderKeyOf(head)`, when the caller has it already. */
  readonly key?: LaunchOrderKey;
  /** The lane's limit buckets (`limitBucketsOf`), when the caller has them: a cheaper check than the head's tags. */
  readonly buckets?: readonly LimitBucket[];
  /** The lane's runs after `head`, in launch order, read lazily (only once `head` is handed out). */
  rest(): Iterator<R>;
}

type Open<R extends QueuedRun> = { head: R; key: LaunchOrderKey; lane: Lane<R>; rest: Iterator<R> | null };

/**
 * The runs of the lanes no full tag limit blocks, in launch order. `lanes` must come in the launch
 * order of their heads (a lane out of order throws); `counter` counts the runs in progress, and the
 * consumer adds to it each run it launches before it pulls the next. `onBlocked` hears of each lane
 * with buckets passed over, and which of its buckets is full (queue-lanes.ts sets such lanes aside).
 */
export function* mergeLanes<R extends QueuedRun>(
  lanes: Iterable<Lane<R>>,
  counter: ConcurrencyCounter,
  onBlocked?: (lane: Lane<R>, bucketIndex: number) => void,
): Generator<R> {
  const byHead = lanes[Symbol.iterator]();
  /** Lanes whose head was handed out, at their next run; few (one per run handed out). */
  const open: Open<R>[] = [];
  let previous: LaunchOrderKey | null = null;
  /** The next lane in head order whose head is free, passing over blocked ones; null when none is left. */
  const nextFreeLane = (): { lane: Lane<R>; key: LaunchOrderKey } | null => {
    for (let next = byHead.next(); !next.done; next = byHead.next()) {
      const lane = next.value;
      const key = lane.key ?? launchOrderKeyOf(lane.head);
      if (previous && compareLaunchOrderKeys(previous, key) > 0) {
        throw new Error(
          `lanes must come in the launch order of their heads, but ${lane.head.id} came after ${previous.id}`,
        );
      }
      previous = key;
      if (!lane.buckets) {
        if (!counter.isBlockedByTags(lane.head)) return { lane, key };
        continue;
      }
      const at = counter.laneBlockedAt(lane.buckets);
      if (at === -1) return { lane, key };
      onBlocked?.(lane, at);
    }
    return null;
  };
  let waiting = nextFreeLane();
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < open.length; i++) {
        if (best === -1 || compareLaunchOrderKeys((open[i] as Open<R>).key, (open[best] as Open<R>).key) < 0) best = i;
      }
      let entry: Open<R>;
      if (waiting && (best === -1 || compareLaunchOrderKeys(waiting.key, (open[best] as Open<R>).key) < 0)) {
        entry = { head: waiting.lane.head, key: waiting.key, lane: waiting.lane, rest: null };
        waiting = nextFreeLane();
      } else if (best !== -1) {
        entry = open[best] as Open<R>;
        open.splice(best, 1);
      } else return;
      // Blocked by a run handed out earlier in this pass: so is the rest of its lane.
      if (counter.isBlockedByTags(entry.head)) {
        entry.rest?.return?.();
        continue;
      }
      yield entry.head; // pulled again: the consumer launched it and counted it
      // The policy would stop at the next run: end here rather than read it (most passes fill one slot).
      if (!counter.hasGlobalRoom()) return;
      entry.rest ??= entry.lane.rest();
      const next = entry.rest.next();
      if (!next.done) open.push({ ...entry, head: next.value, key: launchOrderKeyOf(next.value) });
    }
  } finally {
    for (const entry of open) entry.rest?.return?.();
  }
}

/**
 * Runs from `sources`, each already in launch order, merged into one launch order: a binary heap
 * over the sources' next runs. The whole queue from its lanes, for pages of the queue.
 */
export function* mergeInLaunchOrder<R extends QueuedRun>(sources: Iterable<Iterator<R>>): Generator<R> {
  type Entry = { run: R; key: LaunchOrderKey; source: Iterator<R> };
  const heap: Entry[] = [];
  const before = (a: Entry, b: Entry) => compareLaunchOrderKeys(a.key, b.key) < 0;
  const push = (entry: Entry) => {
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  };
  const pop = (): Entry => {
    const top = heap[0] as Entry;
    const last = heap.pop() as Entry;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left] as Entry, heap[smallest] as Entry)) smallest = left;
        if (right < heap.length && before(heap[right] as Entry, heap[smallest] as Entry)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry];
        i = smallest;
      }
    }
    return top;
  };
  const advance = (source: Iterator<R>) => {
    const next = source.next();
    if (!next.done) push({ run: next.value, key: launchOrderKeyOf(next.value), source });
  };
  try {
    for (const source of sources) advance(source);
    while (heap.length > 0) {
      const { run, source } = pop();
      yield run;
      advance(source);
    }
  } finally {
    for (const entry of heap) entry.source.return?.();
  }
}
