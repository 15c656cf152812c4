/**
 * Whether the control plane answers. Any reply at all (even an error) means it does; a request
 * that gets no answer means it does not. The shell shows a banner while it is unreachable, and
 * the pollers simply keep polling, so the pages come back by themselves after a restart.
 */
import { signal } from "@preact/signals";

export const unreachableSince = signal<number | null>(null);

export function markReachable(): void {
  if (unreachableSince.value !== null) unreachableSince.value = null;
}

export function markUnreachable(): void {
  if (unreachableSince.value === null) unreachableSince.value = Date.now();
}
