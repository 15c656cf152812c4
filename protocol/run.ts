/**
 * Runs: statuses and the run record as the API returns it (DESIGN.md §3). Dagster's DagsterRunStatus.
 */
import { z } from "zod";
import { JsonObjectSchema } from "./json";
import { MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH } from "./tags";

export const RunStatusSchema = z.enum([
  "NOT_STARTED",
  "QUEUED",
  "STARTING",
  "STARTED",
  "SUCCESS",
  "FAILURE",
  "CANCELING",
  "CANCELED",
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Statuses that count against concurrency limits. */
export const IN_PROGRESS_STATUSES = ["STARTING", "STARTED", "CANCELING"] as const satisfies readonly RunStatus[];
/** A run in one of these never changes status again. */
export const TERMINAL_STATUSES = ["SUCCESS", "FAILURE", "CANCELED"] as const satisfies readonly RunStatus[];

export function isTerminalStatus(status: RunStatus): boolean {
  return (TERMINAL_STATUSES as readonly RunStatus[]).includes(status);
}
export const TagsSchema = z.record(z.string().min(1).max(MAX_TAG_KEY_LENGTH), z.string().max(MAX_TAG_VALUE_LENGTH));
export type Tags = z.infer<typeof TagsSchema>;

/** Run config, Dagster's shape: `{ops: {<node>: {config: ...}}}`. */
export const RunConfigSchema = JsonObjectSchema;
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** Times are milliseconds since the Unix epoch. */
export const TimestampSchema = z.number().int().nonnegative();

/**
 * The agent (protocol/agents.ts) the run's latest attempt was launched on: its id and what it said
 * it runs on (host and pid). Recorded in D1 at launch, so it outlives the run and the agent.
 */
export const RunAgentSchema = z.object({ id: z.string(), host: z.string() });
export type RunAgent = z.infer<typeof RunAgentSchema>;

export const RunSchema = z.object({
  id: z.string(),
  location: z.string(),
  job: z.string(),
  status: RunStatusSchema,
  run_config: RunConfigSchema,
  tags: TagsSchema,
  priority: z.number().int(),
  attempt: z.number().int().positive(),
  parent_run_id: z.string().nullable(),
  root_run_id: z.string().nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  started_at: TimestampSchema.nullable(),
  ended_at: TimestampSchema.nullable(),
  /**
   * Null unless its code location is served by agents and a launch went to one. Absent from an
   * older control plane's replies, read as null, so a newer CLI still reads them.
   */
  agent: RunAgentSchema.nullable().default(null),
});
export type Run = z.infer<typeof RunSchema>;
