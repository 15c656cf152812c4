/**
 * Retry delays for event delivery: exponential backoff with jitter, the policy Dagster's run
 * workers use for their event API calls. Pure: the random draw is a parameter.
 */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 50, maxMs: 5000 };

/**
 * Delay before retry number `retry` (1 for the first retry): the base doubles from `initialMs` up
 * to `maxMs`, and the delay is drawn from the upper half of the base, so many run workers that
 * failed together do not retry in lockstep. `random` is in [0, 1).
 */
export function backoffDelay(retry: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base / 2 + (base / 2) * random);
}
