/**
 * Which queued runs launch now, and why every other one waits: the decision of Dagster's
 * QueuedRunCoordinatorDaemon (`_get_runs_to_dequeue`, `_priority_sort`) as a pure function.
 *
 * Launch order: the `flightdeck/priority` tag (an integer, default 0, higher first, negatives
 * allowed; a malformed value counts as 0, as in Dagster), then enqueue time, then run id. The pass
 * walks the queue in that order and launches every run that fits: the global limit and every tag
 * limit the run counts against must have room. A run blocked by a tag limit does not block the runs
 * behind it (Dagster's behaviour), and each launch counts toward the limits of the runs after it.
 *
 * How the Durable Object should feed it, so that admission costs the same with 100,000 queued runs
 * as with 10: `queued` is an iterable the pass pulls lazily, already in launch order. The pass
 * stops pulling as soon as the global limit is full (or the queue is paused), so it reads the runs
 * it launches, the tag-blocked runs among them, and one more. Tag-blocked runs are the only cost
 * that grows with the queue (they pile up at its head); the DO skips them by keeping its queue in
 * lanes of runs that count against the same limits and merging the heads of the free lanes
 * (lane-merge.ts): counts only grow during a pass, so a lane blocked once stays blocked in it.
 *
 * What the dashboard shows (DESIGN §8): `rest` is the reason shared by the runs after the exit
 * point. For each run's own reason, `describeQueue` reads the whole queue, and `explainWait` answers
 * for one page of it with a counter built from the runs in progress after the pass. Positions come
 * from `queuePositions` or the DO's index; `estimateStartTimes` (start-estimates.ts) adds when.
 * WaitReason is the wire's own type (protocol/queue.ts), so GET /api/queue sends it as is.
 */
import type { RunCoordinatorConfig } from "../../../protocol/instance-config";
import { readPriorityTag } from "../../../protocol/priority-tag";
import type { PausedBy, WaitReason } from "../../../protocol/queue";
import { type ConcurrencyCounter, countInProgressRuns, type TaggedRun } from "../../../protocol/tag-limits";
import { TAG } from "../../../protocol/tags";
import type { LocationCapacity } from "../agents/agent-capacity";
import type { LocationPause } from "./location-pauses";
import type { OpConcurrencyGate } from "./op-concurrency";

export interface QueuedRun extends TaggedRun {
  /** When the run entered the queue, in ms since the epoch. */
  readonly enqueuedAt: number;
  /** Its code location; null for a run the object adopted before it kept locations. */
  readonly location?: string | null;
}

export type QueuePolicyConfig = Pick<
  RunCoordinatorConfig,
  "type" | "max_concurrent_runs" | "tag_concurrency_limits" | "paused"
>;

export interface WaitingRun {
  readonly runId: string;
  readonly reason: WaitReason;
}

export interface QueueSelection<R extends QueuedRun = QueuedRun> {
  /** Runs to move to STARTING now, in launch order: the objects `queued` gave. */
  readonly launch: readonly R[];
  /** Every run read and left in the queue, in launch order. */
  readonly waiting: readonly WaitingRun[];
  /** The reason shared by every queued run the pass did not read; null when it read them all. */
  readonly rest: WaitReason | null;
}

export interface QueueInput<R extends QueuedRun = QueuedRun> {
  /** In launch order (see compareLaunchOrder); a run out of order is a bug and throws. */
  readonly queued: Iterable<R>;
  readonly inProgress: Iterable<TaggedRun>;
  /**
   * The pass's counter, built by the caller from `inProgress` (`countInProgressRuns`), when a lazy
   * `queued` reads it too (lane-merge.ts): the pass adds every run it launches before it pulls the
   * next. Built here from `inProgress` when absent.
   */
  readonly counter?: ConcurrencyCounter;
  readonly config: QueuePolicyConfig;
  /** Paused by an operator (POST /api/queue/pause); `config.paused` pauses as well. */
  readonly paused: boolean;
  /** Code locations whose runs wait because their server could not be reached (location-pauses.ts). */
  readonly pausedLocations?: ReadonlyMap<string, LocationPause>;
  /** Agent locations' free runs (agents/agent-capacity.ts); each run admitted takes one. */
  readonly agentCapacity?: LocationCapacity;
  /** Op concurrency pools the runs' first steps need (op-concurrency.ts); absent or null: not checked. */
  readonly opConcurrency?: OpConcurrencyGate | null;
}

export { DEFAULT_PRIORITY } from "../../../protocol/priority-tag";
export { estimateStartTimes, type StartEstimate, type StartEstimateInput } from "./start-estimates";

/** The run's priority: its `flightdeck/priority` tag read as Python's int() would, else 0 (protocol/priority-tag.ts). */
export function priorityOf(run: TaggedRun): number {
  return readPriorityTag(run.tags[TAG.priority]).priority;
}

interface OrderKey {
  readonly priority: number;
  readonly enqueuedAt: number;
  readonly id: string;
}
export type LaunchOrderKey = OrderKey;

function orderKeyOf(run: QueuedRun): OrderKey {
  return { priority: priorityOf(run), enqueuedAt: run.enqueuedAt, id: run.id };
}

/** A run's place in launch order, computed once (its priority tag parsed) to compare many times. */
export const launchOrderKeyOf = orderKeyOf;

function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt - b.enqueuedAt;
  // Code-unit order, not localeCompare: the same for every runtime, and SQLite's BINARY for ASCII ids.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Negative when the run of key `a` launches before the run of key `b`. */
export const compareLaunchOrderKeys = compareKeys;

/** Negative when `a` launches before `b`. */
export function compareLaunchOrder(a: QueuedRun, b: QueuedRun): number {
  return compareKeys(orderKeyOf(a), orderKeyOf(b));
}

/**
 * The priority a queued run gets from a change: the one asked for, or for "move to front" one
 * above the queue's top priority — unless the run is first already, which keeps its own (so
 * repeating the request does not raise it again).
 */
export function priorityAfterChange(
  change: { priority: number } | { moveToFront: true },
  run: { id: string; priority: number },
  first: { id: string; priority: number } | null,
): number {
  if ("priority" in change) return change.priority;
  if (first?.id === run.id) return run.priority;
  return (first?.priority ?? 0) + 1;
}

export function sortQueue(queued: Iterable<QueuedRun>): QueuedRun[] {
  return [...queued]
    .map((run) => ({ run, key: orderKeyOf(run) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ run }) => run);
}

/** 1-based position of every queued run in launch order. */
export function queuePositions(queued: Iterable<QueuedRun>): Map<string, number> {
  return new Map(sortQueue(queued).map((run, index) => [run.id, index + 1]));
}

export function pausedByOf(config: Pick<QueuePolicyConfig, "paused">, paused: boolean): PausedBy | null {
  if (paused) return "operator";
  return config.paused ? "instance_config" : null;
}

function globalLimitReason(counter: ConcurrencyCounter): WaitReason {
  if (counter.maxConcurrentRuns === 0)
    return { reason: "blocked_by_zero_limit", limit: { kind: "max_concurrent_runs" } };
  return { reason: "max_concurrent_runs", limit: counter.maxConcurrentRuns, in_use: counter.runsInProgress };
}

function locationPauseOf(
  run: QueuedRun | TaggedRun,
  pausedLocations: ReadonlyMap<string, LocationPause> | undefined,
): LocationPause | null {
  const location = "location" in run ? run.location : null;
  return (location && pausedLocations?.get(location)) || null;
}

function unreachableReason(pause: LocationPause): WaitReason {
  return {
    reason: "code_location_unreachable",
    location: pause.location,
    since: pause.since,
    next_try_at: pause.until,
    error: pause.reason,
  };
}

/**
 * Why `run` cannot launch given the counts in `counter`, or null if it could launch now. The most
 * lasting reason wins: a pause, then a zero limit, then its code location being unreachable, then
 * full tag limits, then the global limit. (Op concurrency pools come last: op-concurrency.ts.)
 */
export function explainWait(
  run: QueuedRun | TaggedRun,
  counter: ConcurrencyCounter,
  pausedBy: PausedBy | null = null,
  pausedLocations?: ReadonlyMap<string, LocationPause>,
  agentCapacity?: LocationCapacity,
): WaitReason | null {
  if (pausedBy) return { reason: "paused", paused_by: pausedBy };
  if (counter.maxConcurrentRuns === 0) return globalLimitReason(counter);
  const limits = counter.tagLimitsFor(run);
  const zero = limits.find((usage) => usage.limit === 0);
  if (zero) return { reason: "blocked_by_zero_limit", limit: { kind: zero.kind, key: zero.key, value: zero.value } };
  const locationPause = locationPauseOf(run, pausedLocations);
  if (locationPause) return unreachableReason(locationPause);
  const noAgent = "location" in run ? agentCapacity?.reasonFor(run) : null;
  if (noAgent) return noAgent;
  const [first, ...others] = limits.filter((usage) => usage.in_use >= usage.limit);
  if (first) return { reason: "tag_limit", limits: [first, ...others] };
  return counter.hasGlobalRoom() ? null : globalLimitReason(counter);
}

function explainBlocked(
  run: QueuedRun,
  counter: ConcurrencyCounter,
  pausedLocations: ReadonlyMap<string, LocationPause> | undefined,
  poolWait: WaitReason | null,
  agentCapacity: LocationCapacity | undefined,
): WaitReason {
  // A limit that filled after the run's pools were found full is the more lasting reason.
  const reason = explainWait(run, counter, null, pausedLocations, agentCapacity) ?? poolWait;
  // Counts only grow during a pass, so a run blocked when read is still blocked at the end.
  if (!reason) throw new Error(`run ${run.id} was left in the queue without a full limit`);
  return reason;
}

function scanQueue<R extends QueuedRun>(input: QueueInput<R>, stopWhenFull: boolean): QueueSelection<R> {
  const pausedBy = pausedByOf(input.config, input.paused);
  const counter = input.counter ?? countInProgressRuns(input.config, input.inProgress);
  const limited = input.config.type === "queued";
  const launch: R[] = [];
  const blocked: { run: R; poolWait: WaitReason | null }[] = [];
  const iterator = input.queued[Symbol.iterator]();
  let previous: OrderKey | null = null;
  let rest: WaitReason | null = null;
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const run = next.value;
    const key = orderKeyOf(run);
    if (previous && compareKeys(previous, key) > 0) {
      throw new Error(`queued runs must come in launch order, but ${run.id} came after ${previous.id}`);
    }
    previous = key;
    if (stopWhenFull && (pausedBy || (limited && !counter.hasGlobalRoom()))) {
      rest = pausedBy ? { reason: "paused", paused_by: pausedBy } : globalLimitReason(counter);
      iterator.return?.();
      break;
    }
    // The default coordinator applies no limits (Dagster's DefaultRunCoordinator); runs left queued
    // when an admin switched to it are launched rather than stranded. A run of a code location
    // that could not be reached waits whichever coordinator (Dagster skips it the same way).
    if (
      pausedBy ||
      locationPauseOf(run, input.pausedLocations) ||
      input.agentCapacity?.reasonFor(run) ||
      (limited && (!counter.hasGlobalRoom() || counter.isBlockedByTags(run)))
    ) {
      blocked.push({ run, poolWait: null });
      continue;
    }
    // Dagster's queued coordinator only: after the limits, the pools the run's first steps need.
    const poolWait = limited ? (input.opConcurrency?.waitOf(run) ?? null) : null;
    if (poolWait) {
      blocked.push({ run, poolWait });
      continue;
    }
    launch.push(run);
    counter.add(run);
    input.agentCapacity?.take(run);
    input.opConcurrency?.launched(run);
  }
  const waiting = blocked.map(({ run, poolWait }) => ({
    runId: run.id,
    reason: pausedBy
      ? { reason: "paused" as const, paused_by: pausedBy }
      : explainBlocked(run, counter, input.pausedLocations, poolWait, input.agentCapacity),
  }));
  return { launch, waiting, rest };
}

/** The admission pass: what to launch now. Reads the queue only as far as a launch is possible. */
export function selectRunsToLaunch<R extends QueuedRun>(input: QueueInput<R>): QueueSelection<R> {
  return scanQueue(input, true);
}

/** The same decision, reading the whole queue to give every run its own reason (`rest` is null). */
export function describeQueue<R extends QueuedRun>(input: QueueInput<R>): QueueSelection<R> {
  return scanQueue(input, false);
}
