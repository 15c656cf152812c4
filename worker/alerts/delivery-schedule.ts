/**
 * When a failed delivery is tried again (Svix's and Trigger.dev's at-least-once webhooks): the
 * instance's `alerts.retry_delays_seconds`, one delay per retry, after which the alert goes to the
 * dead-letter queue. The default schedule spans just over 24 hours (README, "Alerts").
 */

export type NextStep = { kind: "retry"; delaySeconds: number } | { kind: "dead" };

/** After attempt `attempt` (1-based, as the queue counts) failed. */
export function nextStepAfterFailure(attempt: number, delaysSeconds: readonly number[]): NextStep {
  const delay = delaysSeconds[attempt - 1];
  return delay === undefined ? { kind: "dead" } : { kind: "retry", delaySeconds: delay };
}

/** A reply that means "delivered": any 2xx, as Standard Webhooks says. */
export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300;
}
