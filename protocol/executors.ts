/**
 * Wire shapes of the executors area: re-execution (Dagster's `ReexecutionStrategy`) and
 * compute logs (Dagster's captured stdout/stderr of each step).
 */
import { z } from "zod";
import { RunSchema, TagsSchema } from "./run";

/** FROM_FAILURE: the steps that did not succeed and everything downstream; ALL_STEPS: every step. */
export const ReexecutionStrategySchema = z.enum(["FROM_FAILURE", "ALL_STEPS"]);
export type ReexecutionStrategy = z.infer<typeof ReexecutionStrategySchema>;

/**
 * `POST /api/runs/:id/reexecute`: FROM_FAILURE or ALL_STEPS (Dagster's ReexecutionStrategy), or
 * SELECTED_STEPS with `step_keys` — exactly those steps, or with `include_downstream` those and
 * every step downstream of them (Dagster's step selection `step*`, the run page's "from step").
 */
export const ReexecuteRunSchema = z.discriminatedUnion("strategy", [
  z.object({
    strategy: ReexecutionStrategySchema,
    /** Added to (and overriding) the tags copied from the parent run. */
    tags: TagsSchema.optional(),
  }),
  z.object({
    strategy: z.literal("SELECTED_STEPS"),
    step_keys: z.array(z.string().min(1)).min(1, "name at least one step to re-execute").max(1000),
    include_downstream: z.boolean().default(false),
    tags: TagsSchema.optional(),
  }),
]);
export type ReexecuteRun = z.infer<typeof ReexecuteRunSchema>;

/** How a re-execution's steps were chosen: a strategy, or a selection on the run page. */
export const ReexecutionPlanStrategySchema = z.enum([...ReexecutionStrategySchema.options, "SELECTED_STEPS"]);
export type ReexecutionPlanStrategy = z.infer<typeof ReexecutionPlanStrategySchema>;

/** What a re-execution run executes: stored beside the run, sent in its launch request. */
export const ReexecutionPlanSchema = z.object({
  parent_run_id: z.string(),
  strategy: ReexecutionPlanStrategySchema,
  step_keys: z.array(z.string()),
});
export type ReexecutionPlan = z.infer<typeof ReexecutionPlanSchema>;

/** A run's lineage for the run page: its root, its parent, and the runs re-executed from it. */
export const RunLineageSchema = z.object({
  plan: ReexecutionPlanSchema.nullable(),
  /** Every run with the same root, oldest first (the root itself included). */
  runs: z.array(RunSchema.pick({ id: true, status: true, parent_run_id: true, created_at: true, tags: true })),
});
export type RunLineage = z.infer<typeof RunLineageSchema>;

// ---- compute logs

export const ComputeLogStreamSchema = z.enum(["stdout", "stderr"]);
export type ComputeLogStream = z.infer<typeof ComputeLogStreamSchema>;

/** The largest chunk a run worker uploads at once. */
export const MAX_COMPUTE_LOG_CHUNK_BYTES = 256 * 1024;

/**
 * `POST /api/runs/:id/compute-logs/:step` (run token): bytes `offset`… of one stream of one step,
 * as text. Uploading the same offset again replaces that chunk, so a retried upload is harmless.
 */
export const ComputeLogChunkSchema = z.object({
  stream: ComputeLogStreamSchema,
  offset: z.number().int().nonnegative(),
  data: z.string().max(MAX_COMPUTE_LOG_CHUNK_BYTES),
});
export type ComputeLogChunk = z.infer<typeof ComputeLogChunkSchema>;

/** `GET /api/runs/:id/compute-logs/:step`: what was captured so far, from `offset` on. */
export const ComputeLogReplySchema = z.object({
  step_key: z.string(),
  stdout: z.string(),
  stderr: z.string(),
  /** Pass back as `stdout_offset`/`stderr_offset` to get only what came since (live tailing). */
  stdout_offset: z.number().int().nonnegative(),
  stderr_offset: z.number().int().nonnegative(),
});
export type ComputeLogReply = z.infer<typeof ComputeLogReplySchema>;
