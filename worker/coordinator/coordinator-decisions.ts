/**
 * The run coordinator Durable Object's decisions besides admission (queue/queue-policy.ts) and a
 * launch's outcome (launch-outcome.ts), as pure functions with injected time: how the object's
 * in-progress set is healed from D1, which launches a restart cut off, and when its one alarm
 * should next fire.
 */

/** How often the alarm compares the object's in-progress runs with D1 while it holds any work. */
export const RECONCILE_INTERVAL_MS = 30_000;

export type TrackedRun = { readonly id: string };
export type D1InProgressRun = {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly since: number;
};

export type Reconciliation = {
  /** Tracked as in progress, but D1 says it ended (or never left QUEUED): free the slot. */
  readonly free: readonly string[];
  /** In progress in D1 but unknown to the object (launched by the default coordinator, or a lost write): count it. */
  readonly adopt: readonly D1InProgressRun[];
};

/**
 * D1 is the system of record (DESIGN §2): the object's in-progress set becomes D1's, except the
 * runs whose launch this object is carrying out right now (`launching`), which may not be
 * STARTING in D1 yet.
 */
export function reconcileInProgress(
  tracked: readonly TrackedRun[],
  inD1: readonly D1InProgressRun[],
  launching: ReadonlySet<string>,
): Reconciliation {
  const d1Ids = new Set(inD1.map((run) => run.id));
  const trackedIds = new Set(tracked.map((run) => run.id));
  return {
    free: tracked.filter((run) => !d1Ids.has(run.id) && !launching.has(run.id)).map((run) => run.id),
    adopt: inD1.filter((run) => !trackedIds.has(run.id)),
  };
}

/**
 * The next alarm: the end of the earliest code location pause (its runs may launch again), or a
 * reconciliation while the object holds runs in progress or queued; null when it holds nothing.
 * Never a launch-path poll: admission happens on events, the alarm only heals and resumes.
 */
export function nextAlarmAt(input: {
  readonly pauseEnds: readonly number[];
  readonly holdsWork: boolean;
  readonly now: number;
}): number | null {
  const times = [...input.pauseEnds];
  if (input.holdsWork) times.push(input.now + RECONCILE_INTERVAL_MS);
  return times.length === 0 ? null : Math.min(...times);
}

/** A run the object holds in progress, as far as its launch goes (queue/in-progress-store.ts). */
export type LaunchingRun = { readonly id: string; readonly state: string; readonly eventsUrl: string | null };

/**
 * Launches a restart cut off: runs the object admitted (`launching`) whose launch no request of
 * this instance is carrying out. Each is sent again (launch-tokens.ts), never given up on: the
 * code location server takes a repeated run and attempt as one launch.
 */
export function interruptedLaunches(inProgress: readonly LaunchingRun[], launching: ReadonlySet<string>) {
  return inProgress
    .filter((run) => run.state === "launching" && !launching.has(run.id))
    .map((run) => ({ runId: run.id, eventsUrl: run.eventsUrl ?? "", queuedAt: null, resend: true }));
}
