/**
 * A code location's definitions as `GET /definitions` serves them (DESIGN.md §5.2) and D1 keeps
 * them as a snapshot: jobs with their op graph and run config schema, schedules, sensors.
 */
import { z } from "zod";
import { JsonSchemaDocumentSchema, JsonValueSchema } from "./json";
import { RunConfigSchema, TagsSchema } from "./run";

export const NameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and underscores, not starting with a digit")
  .max(128);

export const ExecutorKindSchema = z.enum(["in_process", "multiprocess"]);
export type ExecutorKind = z.infer<typeof ExecutorKindSchema>;

/** Where one input of a node gets its value: an output of an upstream node. */
export const InputSourceSchema = z.object({ node: NameSchema, output: NameSchema });

/** One op invocation in a job's graph (Dagster's node). `name` is the step key. */
export const NodeDefinitionSchema = z.object({
  name: NameSchema,
  op: NameSchema,
  description: z.string().nullable(),
  tags: TagsSchema,
  inputs: z.array(
    z.object({ name: NameSchema, description: z.string().nullable(), from: InputSourceSchema.nullable() }),
  ),
  outputs: z.array(z.object({ name: NameSchema, description: z.string().nullable() })),
  /** JSON Schema of this op's `config`, null when the op takes none. */
  config_schema: JsonSchemaDocumentSchema.nullable(),
  /** The op concurrency pool whose slot the step claims before it starts (protocol/pools.ts). */
  pool: z.string().min(1).nullable().optional(),
});
export type NodeDefinition = z.infer<typeof NodeDefinitionSchema>;

export const JobDefinitionSchema = z.object({
  name: NameSchema,
  description: z.string().nullable(),
  tags: TagsSchema,
  executor: ExecutorKindSchema,
  nodes: z.array(NodeDefinitionSchema),
  /** JSON Schema of the whole run config, `{ops: {<node>: {config}}}`; closed to unknown keys. */
  run_config_schema: JsonSchemaDocumentSchema,
  /** A run config that validates when every config field has a default; the launchpad's scaffold. */
  default_run_config: JsonValueSchema.nullable(),
});
export type JobDefinition = z.infer<typeof JobDefinitionSchema>;

export const DefaultStatusSchema = z.enum(["RUNNING", "STOPPED"]);

export const ScheduleDefinitionSchema = z.object({
  name: NameSchema,
  job: NameSchema,
  cron_schedule: z.string(),
  execution_timezone: z.string(),
  default_status: DefaultStatusSchema,
  description: z.string().nullable(),
  /** Static run config and tags of every run; absent: the job's defaults, no tags. */
  run_config: RunConfigSchema.nullable().optional(),
  tags: TagsSchema.optional(),
  /** True when the code location evaluates each tick (`POST /schedules/:name/evaluate`). */
  evaluated: z.boolean().optional(),
});
export type ScheduleDefinition = z.infer<typeof ScheduleDefinitionSchema>;

export const SensorDefinitionSchema = z.object({
  name: NameSchema,
  job: NameSchema.nullable(),
  /** Null when the definition gives none: the instance's `sensors.minimum_interval_seconds` applies. */
  minimum_interval_seconds: z.number().int().positive().nullable(),
  default_status: DefaultStatusSchema,
  description: z.string().nullable(),
  /** Set for a run status sensor: it fires once for each run of `monitored_jobs` reaching this status. */
  run_status: z.enum(["SUCCESS", "FAILURE"]).optional(),
  /** The jobs a run status sensor watches; null or absent: every job of the instance. */
  monitored_jobs: z.array(NameSchema).nullable().optional(),
});
export type SensorDefinition = z.infer<typeof SensorDefinitionSchema>;

export const DefinitionsSchema = z.object({
  jobs: z.array(JobDefinitionSchema),
  schedules: z.array(ScheduleDefinitionSchema),
  sensors: z.array(SensorDefinitionSchema),
});
export type Definitions = z.infer<typeof DefinitionsSchema>;
