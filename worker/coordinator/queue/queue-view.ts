/**
 * What `GET /api/queue` shows (DESIGN.md §8), built from one snapshot of the run coordinator
 * object as a pure function: every queued run of the page with its position, the reason it waits
 * (queue-policy.ts `explainWait`, against the runs in progress after the object's last admission
 * pass; then the pools its first steps need, op-concurrency.ts), an estimated start (start-estimates.ts), and how full every limit is, held by which runs.
 */
import type { QueueReply, RunCoordinatorConfig, TagLimitUsage } from "../../../protocol";
import { readPriorityTag, TAG, tagLimitKind } from "../../../protocol";
import { countInProgressRuns, type TaggedRun } from "../../../protocol/tag-limits";
import { type AgentLocationCapacity, trackAgentCapacity } from "../agents/agent-capacity";
import type { PoolsConfig } from "../pools/pool-leases";
import type { PoolGateView } from "../pools/pool-slots";
import type { StoredInProgressRun } from "./in-progress-store";
import { type LocationPause, pausedLocationsAt } from "./location-pauses";
import { createOpConcurrencyGate } from "./op-concurrency";
import { explainWait, pausedByOf } from "./queue-policy";
import type { StoredQueuedRun } from "./queue-store";
import { estimateStartTimes } from "./start-estimates";

export type QueueViewInput = {
  config: RunCoordinatorConfig;
  paused: boolean;
  totalQueued: number;
  offset: number;
  queued: readonly StoredQueuedRun[];
  inProgress: readonly StoredInProgressRun[];
  recentDurationsMs: readonly number[];
  /** The code locations' pauses the object keeps (location-pauses.ts); those over at `now` are not shown. */
  locationPauses: readonly LocationPause[];
  /** Every code location served by agents, with its capacity (agents/agent-capacity.ts). */
  agentCapacity?: readonly AgentLocationCapacity[];
  /** The object's view of the pools the page's runs' first steps need (op-concurrency.ts); null: not checked. */
  poolGate?: PoolGateView | null;
  pools?: PoolsConfig;
  /** The job of each run shown (the object knows runs by id and tags only); a run missing here shows null. */
  jobs: ReadonlyMap<string, { readonly location: string; readonly job: string }>;
  now: number;
};

/** Every configured tag limit with its usage by the runs in progress; a per-value limit once per value in use. */
export function summarizeTagLimits(config: RunCoordinatorConfig, inProgress: readonly TaggedRun[]): TagLimitUsage[] {
  return config.tag_concurrency_limits.flatMap((limit): TagLimitUsage[] => {
    const kind = tagLimitKind(limit);
    const holders = inProgress.filter((run) => {
      const value = run.tags[limit.key];
      return value !== undefined && (kind !== "value" || value === limit.value);
    });
    if (kind !== "per_unique_value") {
      const value = kind === "value" && typeof limit.value === "string" ? limit.value : null;
      const held_by = holders.map((run) => run.id);
      return [{ kind, key: limit.key, value, limit: limit.limit, in_use: held_by.length, held_by }];
    }
    const byValue = new Map<string, string[]>();
    for (const run of holders) {
      const value = run.tags[limit.key] ?? "";
      byValue.set(value, [...(byValue.get(value) ?? []), run.id]);
    }
    if (byValue.size === 0) return [{ kind, key: limit.key, value: null, limit: limit.limit, in_use: 0, held_by: [] }];
    return [...byValue].map(([value, held_by]) => ({
      kind,
      key: limit.key,
      value,
      limit: limit.limit,
      in_use: held_by.length,
      held_by,
    }));
  });
}

export function buildQueueView(input: QueueViewInput): QueueReply {
  const { config, inProgress, now } = input;
  const jobOf = (runId: string) => input.jobs.get(runId) ?? { location: null, job: null };
  const pausedBy = pausedByOf(config, input.paused);
  const pausedLocations = pausedLocationsAt(input.locationPauses, now);
  const limited = config.type === "queued";
  const counter = countInProgressRuns(
    limited ? config : { ...config, max_concurrent_runs: -1, tag_concurrency_limits: [] },
    inProgress,
  );
  const agentCapacity = input.agentCapacity ?? [];
  const agents = trackAgentCapacity(agentCapacity);
  const needs = new Map((input.poolGate?.needs ?? []).map((entry) => [entry.runId, entry.needs]));
  const gate =
    limited && input.poolGate && input.pools
      ? createOpConcurrencyGate(
          config.block_op_concurrency_limited_runs,
          input.pools,
          input.poolGate.state,
          (id) => needs.get(id) ?? null,
        )
      : null;
  const estimates = new Map(
    estimateStartTimes({
      queued: input.queued,
      inProgress,
      config,
      paused: input.paused,
      recentDurationsMs: input.recentDurationsMs,
      now,
    }).map((estimate) => [estimate.runId, estimate.estimatedStartAt]),
  );
  return {
    paused: pausedBy !== null,
    paused_by: pausedBy,
    unreachable_locations: [...pausedLocations.values()]
      .sort((a, b) => a.until - b.until)
      .map((pause) => ({
        location: pause.location,
        since: pause.since,
        next_try_at: pause.until,
        error: pause.reason,
      })),
    coordinator: config.type,
    total_queued: input.totalQueued,
    queued: input.queued.map((run, index) => {
      const reason = explainWait(run, counter, pausedBy, pausedLocations, agents) ?? gate?.waitOf(run) ?? null;
      return {
        run_id: run.id,
        ...jobOf(run.id),
        position: input.offset + index + 1,
        priority: run.priority,
        priority_warning: readPriorityTag(run.tags[TAG.priority]).warning,
        enqueued_at: run.enqueuedAt,
        tags: { ...run.tags },
        wait: reason ?? { reason: "launching" },
        estimated_start_at: estimates.get(run.id) ?? null,
      };
    }),
    in_progress: inProgress.map((run) => ({
      run_id: run.id,
      ...jobOf(run.id),
      tags: { ...run.tags },
      launched_at: run.launchedAt,
    })),
    limits: {
      max_concurrent_runs: { limit: limited ? config.max_concurrent_runs : -1, in_use: inProgress.length },
      tags: limited ? summarizeTagLimits(config, inProgress) : [],
      agents: agentCapacity.map((usage) => ({
        location: usage.location,
        capacity: usage.capacity,
        in_use: usage.inUse,
        agents: usage.agents,
      })),
    },
    now,
  };
}
