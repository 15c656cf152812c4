/**
 * Step retries: Dagster's `RetryPolicy(max_retries, delay, backoff, jitter)` and its
 * `calculate_delay`. Pure: the random source is a parameter, so tests pin the jitter.
 *
 * The delay before retry number n (1 for the first retry), with base `delay` d:
 * - no backoff: d; LINEAR: d·n; EXPONENTIAL: d·(2ⁿ − 1) (d, 3d, 7d...);
 * - jitter FULL: uniformly in [0, delay]; PLUS_MINUS: delay ± d (uniform), never below 0.
 */

export type Backoff = "LINEAR" | "EXPONENTIAL";
export type Jitter = "FULL" | "PLUS_MINUS";

export interface RetryPolicy {
  /** How many times a failed step is retried (so at most max_retries + 1 attempts). */
  readonly maxRetries: number;
  /** Base delay before a retry, in seconds. */
  readonly delaySeconds?: number;
  readonly backoff?: Backoff;
  readonly jitter?: Jitter;
}

/** Dagster's `calculate_delay`, in milliseconds. `random` returns a number in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  const base = (policy.delaySeconds ?? 0) * 1000;
  let delay = base;
  if (policy.backoff === "LINEAR") delay = base * retryNumber;
  else if (policy.backoff === "EXPONENTIAL") delay = base * (2 ** retryNumber - 1);
  if (policy.jitter === "FULL") delay = random() * delay;
  else if (policy.jitter === "PLUS_MINUS") delay = delay + (2 * random() * base - base);
  return Math.max(0, Math.round(delay));
}

/** What a failed attempt asks for: user code may throw RetryRequested (with its own limit and wait) or Failure. */
export type FailureKind =
  | { kind: "error" }
  | { kind: "retry_requested"; maxRetries: number; secondsToWait: number | null }
  | { kind: "failure" };

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; retryNumber: number };

/**
 * Whether attempt `attempt` (1-based) of a step that failed this way is retried, and after how
 * long. Failure is never retried; RetryRequested is retried up to its own max_retries (Dagster's
 * semantics: it needs no policy); any other error follows the op's or job's policy, if any.
 */
export function decideRetry(
  policy: RetryPolicy | null,
  failure: FailureKind,
  attempt: number,
  random: () => number = Math.random,
): RetryDecision {
  const retryNumber = attempt; // the retry that would follow attempt n is retry number n
  if (failure.kind === "failure") return { retry: false };
  if (failure.kind === "retry_requested") {
    if (retryNumber > failure.maxRetries) return { retry: false };
    const delayMs =
      failure.secondsToWait !== null
        ? Math.round(failure.secondsToWait * 1000)
        : policy
          ? retryDelayMs(policy, retryNumber, random)
          : 0;
    return { retry: true, delayMs, retryNumber };
  }
  if (policy === null || retryNumber > policy.maxRetries) return { retry: false };
  return { retry: true, delayMs: retryDelayMs(policy, retryNumber, random), retryNumber };
}
