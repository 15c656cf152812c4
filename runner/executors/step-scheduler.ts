/**
 * Which ready steps the multiprocess executor starts now: Dagster's multiprocess executor loop
 * (`max_concurrent`, `tag_concurrency_limits` on op tags). The counting is the run queue's own
 * ConcurrencyCounter (protocol/tag-limits.ts), applied to steps instead of runs, so the tag
 * limit semantics are written once: `{key}`, `{key, value}` and `{key, value:
 * {applyLimitPerUniqueValue: true}}`, each blocking when full.
 *
 * Pure: running and ready steps in, the steps to start out, in the order they were given (the
 * job's dependency order), skipping a blocked step for a later one that fits, as Dagster does.
 */
import type { TagConcurrencyLimit } from "../../protocol/instance-config";
import { ConcurrencyCounter } from "../../protocol/tag-limits";

export interface SchedulableStep {
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface StepLimits {
  /** At most this many steps at once; already resolved (≥ 1). */
  readonly maxConcurrent: number;
  readonly tagConcurrencyLimits: readonly TagConcurrencyLimit[];
}

export function selectStepsToStart(
  limits: StepLimits,
  running: readonly SchedulableStep[],
  ready: readonly SchedulableStep[],
): SchedulableStep[] {
  const counter = new ConcurrencyCounter(
    { max_concurrent_runs: limits.maxConcurrent, tag_concurrency_limits: limits.tagConcurrencyLimits },
    running.map(asTagged),
  );
  const start: SchedulableStep[] = [];
  for (const step of ready) {
    if (!counter.hasGlobalRoom()) break;
    const tagged = asTagged(step);
    if (counter.isBlockedByTags(tagged)) continue;
    counter.add(tagged);
    start.push(step);
  }
  return start;
}

/** `max_concurrent` as configured → the effective limit: absent or 0 means the number of CPUs. */
export function resolveMaxConcurrent(configured: number | undefined, cpus: number): number {
  return configured === undefined || configured === 0 ? Math.max(1, cpus) : configured;
}

function asTagged(step: SchedulableStep) {
  return { id: step.key, tags: step.tags };
}
