/**
 * The run queue's wire shapes (DESIGN.md §5.1 and §8): `GET /api/queue` — every queued run in
 * launch order with its position, why it waits (which limit, how full, held by which runs) and an
 * estimated start — `PATCH /api/runs/:id` to reorder, `POST /api/queue/pause|resume`, and the
 * reply of `PATCH /api/instance`. The pure queue policy (worker/coordinator/queue/) and the tag
 * limits (tag-limits.ts) build values of exactly these types.
 */
import { z } from "zod";
import { EffectiveInstanceConfigSchema } from "./instance-config";
import { TagsSchema, TimestampSchema } from "./run";

export const TagLimitKindSchema = z.enum(["key", "value", "per_unique_value"]);

/** One tag limit as it applies to a run: how full it is and which in-progress runs hold it. */
export const TagLimitUsageSchema = z.object({
  kind: TagLimitKindSchema,
  key: z.string(),
  /** null for a `key` limit; the run's own value for a `per_unique_value` limit. */
  value: z.string().nullable(),
  limit: z.number().int().nonnegative(),
  in_use: z.number().int().nonnegative(),
  /** Read-only: one admission pass shares one list among every run a limit blocks. */
  held_by: z.array(z.string()).readonly(),
});
export type TagLimitUsage = z.infer<typeof TagLimitUsageSchema>;

export const PausedBySchema = z.enum(["operator", "instance_config"]);
export type PausedBy = z.infer<typeof PausedBySchema>;

const ZeroLimitSchema = z.union([
  z.object({ kind: z.literal("max_concurrent_runs") }),
  z.object({ kind: TagLimitKindSchema, key: z.string(), value: z.string().nullable() }),
]);

/** How full one pool a queued run's first steps need is, as the run coordinator counts it. */
export const OpConcurrencyPoolUsageSchema = z.object({
  pool: z.string(),
  limit: z.number().int().nonnegative(),
  in_use: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  launched: z.number().int().nonnegative(),
});
export type OpConcurrencyPoolUsage = z.infer<typeof OpConcurrencyPoolUsageSchema>;

/** Why a queued run waits; the most lasting reason wins (a pause, a zero limit, tag limits, the global limit). */
export const WaitReasonSchema = z.discriminatedUnion("reason", [
  z.object({ reason: z.literal("paused"), paused_by: PausedBySchema }),
  z.object({ reason: z.literal("blocked_by_zero_limit"), limit: ZeroLimitSchema }),
  z.object({ reason: z.literal("tag_limit"), limits: z.array(TagLimitUsageSchema).min(1) }),
  z.object({
    reason: z.literal("max_concurrent_runs"),
    limit: z.number().int(),
    in_use: z.number().int().nonnegative(),
  }),
  /**
   * Its code location's server could not be reached by a launch (refused, reset, timed out,
   * 502/503/504): the location's runs wait until `next_try_at` (run_coordinator.user_code_failure_retry_delay).
   */
  z.object({
    reason: z.literal("code_location_unreachable"),
    location: z.string(),
    /** The first launch of the current streak that could not reach it. */
    since: TimestampSchema,
    next_try_at: TimestampSchema,
    /** What the last launch attempt got. */
    error: z.string(),
  }),
  /** Its code location is served by agents and none has a free run: "no agent with free capacity for location L". */
  z.object({
    reason: z.literal("agent_capacity"),
    location: z.string(),
    /** The connected agents' max runs, summed, and the runs they hold. */
    capacity: z.number().int().nonnegative(),
    in_use: z.number().int().nonnegative(),
    agents: z.number().int().nonnegative(),
  }),
  /**
   * Every first step of the run needs a pool with no free slot (run_coordinator.block_op_concurrency_limited_runs):
   * `in_use` slots held, `waiting` claims in line, `launched` slots wanted by runs launched that have not claimed yet.
   */
  z.object({
    reason: z.literal("op_concurrency_pools"),
    pools: z.array(OpConcurrencyPoolUsageSchema).min(1),
    slot_buffer: z.number().int().nonnegative(),
  }),
  /** Nothing holds it back: the coordinator is launching it right now. */
  z.object({ reason: z.literal("launching") }),
]);
export type WaitReason = z.infer<typeof WaitReasonSchema>;

/** The run's code location and job; null only if the run's record vanished between two reads. */
const RunJobFields = { location: z.string().nullable(), job: z.string().nullable() };

export const QueuedRunViewSchema = z.object({
  run_id: z.string(),
  ...RunJobFields,
  /** 1-based place in launch order. */
  position: z.number().int().positive(),
  priority: z.number().int(),
  /** Set when the `flightdeck/priority` tag could not be read as an integer: "priority tag 'x' is not an integer; using 0". */
  priority_warning: z.string().nullable(),
  enqueued_at: TimestampSchema,
  tags: TagsSchema,
  wait: WaitReasonSchema,
  /** When it should start, from recent run durations; null when an operator must act or nothing is known. */
  estimated_start_at: TimestampSchema.nullable(),
});
export type QueuedRunView = z.infer<typeof QueuedRunViewSchema>;

export const InProgressRunViewSchema = z.object({
  run_id: z.string(),
  ...RunJobFields,
  tags: TagsSchema,
  launched_at: TimestampSchema,
});

/** A code location whose runs wait because a launch could not reach its server. */
export const UnreachableLocationSchema = z.object({
  location: z.string(),
  since: TimestampSchema,
  next_try_at: TimestampSchema,
  error: z.string(),
});
export type UnreachableLocation = z.infer<typeof UnreachableLocationSchema>;

/** `GET /api/queue?offset=&limit=`: one page of the queue, the runs in progress, and how full each limit is. */
export const QueueReplySchema = z.object({
  paused: z.boolean(),
  paused_by: PausedBySchema.nullable(),
  /** Code locations paused now ("unreachable since …, next try at …"), soonest retry first. */
  unreachable_locations: z.array(UnreachableLocationSchema),
  coordinator: z.enum(["queued", "default"]),
  total_queued: z.number().int().nonnegative(),
  queued: z.array(QueuedRunViewSchema),
  in_progress: z.array(InProgressRunViewSchema),
  limits: z.object({
    max_concurrent_runs: z.object({ limit: z.number().int(), in_use: z.number().int().nonnegative() }),
    /** Every configured tag limit; a per-unique-value limit once per value in use (or once, value null, when none is). */
    tags: z.array(TagLimitUsageSchema),
    /** Every code location served by agents: their capacity and the runs they hold. */
    agents: z
      .array(
        z.object({
          location: z.string(),
          capacity: z.number().int().nonnegative(),
          in_use: z.number().int().nonnegative(),
          agents: z.number().int().nonnegative(),
        }),
      )
      .default([]),
  }),
  now: TimestampSchema,
});
export type QueueReply = z.infer<typeof QueueReplySchema>;

export const QueueQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `PATCH /api/runs/:id`: a queued run's new priority, or straight to the front of the queue. */
export const UpdateRunSchema = z.union([
  z.strictObject({ priority: z.number().int() }),
  z.strictObject({ move_to_front: z.literal(true) }),
]);
export type UpdateRun = z.infer<typeof UpdateRunSchema>;

/** `POST /api/queue/pause` and `/resume`. */
export const QueuePausedReplySchema = z.object({ paused: z.boolean() });

/** `PATCH /api/instance`: the effective config afterwards, and what changed. */
export const InstancePatchReplySchema = EffectiveInstanceConfigSchema.extend({
  changes: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
});
export type InstancePatchReply = z.infer<typeof InstancePatchReplySchema>;
