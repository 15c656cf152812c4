/**
 * Op concurrency pools on the wire (DESIGN.md §2 and §5.1; Dagster's concurrency pools): the run
 * worker's claim, renewal and release of a pool slot (`/api/runs/:id/pool-slots`, run token) and
 * the operator's view and limit (`/api/concurrency/pools`, admin). A slot is a lease: it expires
 * at `expires_at` unless renewed, so a dead run worker never keeps a pool blocked.
 */
import { z } from "zod";
import { NameSchema } from "./definitions";
import { TimestampSchema } from "./run";

/** A pool name: what an op's `pool` says. Looser than a node name (Dagster allows `db/warehouse`). */
export const PoolNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:/-]+$/, "use letters, digits and _ . : / -");

/** Longest a claim may wait on the control plane before it answers WAITING (a long poll). */
export const MAX_CLAIM_WAIT_MS = 20_000;

export const PoolSlotClaimSchema = z.object({
  step_key: NameSchema,
  pool: PoolNameSchema,
  /** How long the control plane may hold the request while no slot is free; 0 answers at once. */
  wait_ms: z.number().int().min(0).max(MAX_CLAIM_WAIT_MS).default(0),
});
export type PoolSlotClaim = z.infer<typeof PoolSlotClaimSchema>;

export const PoolSlotClaimReplySchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("GRANTED"),
    pool: PoolNameSchema,
    step_key: NameSchema,
    expires_at: TimestampSchema,
    /** The lease's length: renew well before it runs out (the runner renews every third of it). */
    lease_ms: z.number().int().positive(),
  }),
  z.object({
    status: z.literal("WAITING"),
    pool: PoolNameSchema,
    step_key: NameSchema,
    /** null: the pool has no limit (never waits); 0: nothing runs until the limit is raised. */
    limit: z.number().int().nonnegative().nullable(),
    in_use: z.number().int().nonnegative(),
    /** 1 = next to be granted. */
    position: z.number().int().positive(),
  }),
]);
export type PoolSlotClaimReply = z.infer<typeof PoolSlotClaimReplySchema>;

export const PoolSlotRenewSchema = z.object({ step_keys: z.array(NameSchema).max(1000) });
export const PoolSlotRenewReplySchema = z.object({
  renewed: z.array(z.object({ step_key: NameSchema, expires_at: TimestampSchema })),
  /** Slots this run no longer holds (expired and given to another claim, or freed at the run's end). */
  lost: z.array(NameSchema),
});
export type PoolSlotRenewReply = z.infer<typeof PoolSlotRenewReplySchema>;

export const PoolSlotReleaseReplySchema = z.object({ released: z.boolean() });
export type PoolSlotReleaseReply = z.infer<typeof PoolSlotReleaseReplySchema>;

export const PoolSlotHolderSchema = z.object({
  run_id: z.string(),
  step_key: z.string(),
  granted_at: TimestampSchema,
  expires_at: TimestampSchema,
});
export type PoolSlotHolder = z.infer<typeof PoolSlotHolderSchema>;

export const PoolWaitingClaimSchema = z.object({
  run_id: z.string(),
  step_key: z.string(),
  since: TimestampSchema,
});

export const PoolLimitSourceSchema = z.enum(["pool", "default", "none"]);

export const PoolSchema = z.object({
  pool: PoolNameSchema,
  /** null: unlimited (no entry in `concurrency.pools.limits` and no `default_limit`). */
  limit: z.number().int().nonnegative().nullable(),
  /** Where the limit comes from: the pool's own entry, `default_limit`, or neither. */
  limit_source: PoolLimitSourceSchema,
  in_use: z.number().int().nonnegative(),
  slots: z.array(PoolSlotHolderSchema),
  waiting: z.array(PoolWaitingClaimSchema),
});
export type Pool = z.infer<typeof PoolSchema>;

export const PoolListReplySchema = z.object({
  pools: z.array(PoolSchema),
  lease_seconds: z.number().positive(),
});
export type PoolListReply = z.infer<typeof PoolListReplySchema>;

export const PoolLimitBodySchema = z.object({ limit: z.number().int().min(0) });
