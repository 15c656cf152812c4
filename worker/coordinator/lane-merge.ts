/**
 * The queue as the admission pass reads it, in launch order, without visiting the runs piled up
 * behind a full tag limit. The Durable Object partitions its queue into lanes (`limitLaneOf`, in
 * limits.ts): runs of one lane count against exactly the same limit buckets, so they are blocked or
 * free together, and only a lane's head needs a look. A pass walks the lanes in the launch order of
 * their heads and merges the runs of the free ones; a lane whose head is blocked is passed over for
 * the rest of the pass, since counts only grow during a pass.
 *
 * Fed to `selectRunsToLaunch` (queue-policy.ts), which still decides every launch: the merge only
 * leaves out runs the policy would skip. It keeps its own counter, built like the policy's from the
 * runs in progress, and counts each run it hands out, because the policy launches every run it is
 * handed that no tag limit blocks, or stops pulling; it ends once the global limit is full, where the
 * policy would stop anyway (so the policy's `rest` is null). Cost of a pass: one step per run handed
 * out, plus one cheap check per lane whose head comes first and is blocked — never the queue's length.
 */
import type { ConcurrencyCounter } from "./limits";
import { compareLaunchOrderKeys, type LaunchOrderKey, launchOrderKeyOf, type QueuedRun } from "./queue-policy";

export interface Lane<R extends QueuedRun> {
  /** The lane's first run in launch order. */
  readonly head: R;
  /** `launchOrderKeyOf(head)`, when the caller has it already. */
  readonly key?: LaunchOrderKey;
  /** The lane's runs after `head`, in launch order, read lazily (only once `head` is handed out). */
  rest(): Iterator<R>;
}

type Open<R extends QueuedRun> = { head: R; key: LaunchOrderKey; lane: Lane<R>; rest: Iterator<R> | null };

/**
 * The runs of the lanes no full tag limit blocks, in launch order. `lanes` must come in the launch
 * order of their heads (a lane out of order throws); `counter` counts the runs in progress.
 */
export function* mergeLanes<R extends QueuedRun>(lanes: Iterable<Lane<R>>, counter: ConcurrencyCounter): Generator<R> {
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
      if (!counter.isBlockedByTags(lane.head)) return { lane, key };
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
      yield entry.head;
      counter.add(entry.head); // pulled again: the policy launched it
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
