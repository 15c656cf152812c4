/**
 * The run coordinator Durable Object's decisions besides admission (queue/queue-policy.ts), as pure
 * functions with injected time: what a launch attempt's outcome leads to, and a failed launch in
 * particular (Dagster's `max_user_code_failure_retries` / `user_code_failure_retry_delay`), how
 * the object's in-progress set is healed from D1, and when its one alarm should next fire.
 */
import type { Run, RunCoordinatorConfig, RunStatus } from "../../protocol";

/** How often the alarm compares the object's in-progress runs with D1 while it holds any work. */
export const RECONCILE_INTERVAL_MS = 30_000;

export type LaunchFailureDecision =
  | { readonly kind: "retry"; readonly attempt: number; readonly at: number }
  | { readonly kind: "fail"; readonly attempts: number };

/** After launch attempt number `attempt` (1-based) failed. */
export function decideLaunchFailure(
  attempt: number,
  retries: RunCoordinatorConfig["launch_retries"],
  now: number,
): LaunchFailureDecision {
  if (attempt <= retries.max_retries)
    return { kind: "retry", attempt: attempt + 1, at: now + retries.delay_seconds * 1000 };
  return { kind: "fail", attempts: attempt };
}

/** What a launch attempt came to, as far as the decision needs it (launch-dispatch.ts `LaunchAttemptResult`). */
export type LaunchAttemptOutcome =
  | { readonly kind: "launched" }
  | { readonly kind: "not_ours"; readonly status: RunStatus | null }
  | { readonly kind: "failed"; readonly run: Run; readonly reason: string };

export type LaunchOutcomeDecision =
  /** The run worker is starting: the run keeps its slot. */
  | { readonly kind: "launched" }
  /**
   * Someone else moved the run: free its slot (unless a terminate or the run itself got there
   * first while a retry was pending and it is running), cancel it first when a terminate came
   * while its retry waited (no run worker exists), and admit.
   */
  | { readonly kind: "not_ours"; readonly free: boolean; readonly cancelBeforeRetry: boolean }
  | {
      readonly kind: "retry";
      readonly run: Run;
      readonly reason: string;
      readonly attempt: number;
      readonly at: number;
    }
  | { readonly kind: "fail"; readonly run: Run; readonly reason: string; readonly attempts: number };

/** After launch attempt `attempt` (1-based) came to `outcome`: what the object does next. */
export function decideLaunchOutcome(
  outcome: LaunchAttemptOutcome,
  attempt: number,
  retries: RunCoordinatorConfig["launch_retries"],
  now: number,
): LaunchOutcomeDecision {
  if (outcome.kind === "launched") return { kind: "launched" };
  if (outcome.kind === "not_ours") {
    const retried = attempt > 1;
    return {
      kind: "not_ours",
      free: !(retried && outcome.status === "STARTED"),
      cancelBeforeRetry: retried && outcome.status === "CANCELING",
    };
  }
  const failure = decideLaunchFailure(attempt, retries, now);
  const { run, reason } = outcome;
  return failure.kind === "retry" ? { ...failure, run, reason } : { ...failure, run, reason };
}

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
 * The next alarm: the earliest launch retry, or a reconciliation while the object holds runs in
 * progress or queued; null when it holds nothing. Never a launch-path poll: admission happens on
 * events, the alarm only heals and retries.
 */
export function nextAlarmAt(input: {
  readonly retryTimes: readonly number[];
  readonly holdsWork: boolean;
  readonly now: number;
}): number | null {
  const times = [...input.retryTimes];
  if (input.holdsWork) times.push(input.now + RECONCILE_INTERVAL_MS);
  return times.length === 0 ? null : Math.min(...times);
}

/** A run the object holds in progress, as far as its launch retries go (queue/in-progress-store.ts). */
export type RetryingRun = {
  readonly id: string;
  readonly state: string;
  readonly attempt: number;
  readonly retryAt: number | null;
  readonly eventsUrl: string | null;
};

/** When the pending launch retries are due. */
export function retryTimesOf(inProgress: readonly RetryingRun[]): number[] {
  return inProgress.flatMap((run) => (run.state === "retry_wait" && run.retryAt !== null ? [run.retryAt] : []));
}

/** The launch retries due at `now`, except runs whose launch is under way. */
export function dueRetries(inProgress: readonly RetryingRun[], launching: ReadonlySet<string>, now: number) {
  return inProgress
    .filter((run) => run.state === "retry_wait" && run.retryAt !== null && run.retryAt <= now && !launching.has(run.id))
    .map((run) => ({ runId: run.id, attempt: run.attempt, eventsUrl: run.eventsUrl ?? "", queuedAt: null }));
}
