/**
 * The daemon's wire shapes (DESIGN.md §6): why a run failed (Dagster's RunFailureReason, which
 * run retries read), and the monitoring and retry decisions as they appear in
 * a run's event log (`data` of the control plane's ENGINE_EVENTs). Retry strategies are
 * re-execution's (executors.ts, ReexecutionStrategySchema).
 */
import { z } from "zod";
import { NameSchema, ScheduleDefinitionSchema, SensorDefinitionSchema } from "./definitions";
import { ReexecutionStrategySchema } from "./executors";
import { RunConfigSchema, TagsSchema, TimestampSchema } from "./run";

/**
 * Dagster's RunFailureReason, with Flightdeck's own for what its control plane decides
 * (HEARTBEAT_TIMEOUT, MAX_RUNTIME, LAUNCH_FAILED). Carried as `data.failure_reason` on the event
 * that failed the run, and as the run's `flightdeck/failure_reason` tag once run retries decided.
 */
export const RunFailureReasonSchema = z.enum([
  "STEP_FAILURE",
  /** The run worker failed before any step ran: the job, its executor or its resources could not load. */
  "JOB_INITIALIZATION_FAILURE",
  /** The run worker failed outside any step once execution had begun. */
  "RUN_EXCEPTION",
  "RUN_WORKER_CRASHED",
  "START_TIMEOUT",
  "HEARTBEAT_TIMEOUT",
  "MAX_RUNTIME",
  "LAUNCH_FAILED",
  /** The agent running it closed its socket or stopped pinging (protocol/agents.ts), and it could not be resumed. */
  "AGENT_LOST",
  "UNEXPECTED_ERROR",
]);
export type RunFailureReason = z.infer<typeof RunFailureReasonSchema>;

/** What run monitoring decided about a run, in `data.monitoring` of its ENGINE_EVENT. */
export const MonitoringDecisionKindSchema = z.enum(["FAIL", "CANCEL", "RESUME"]);

/** `data` of run monitoring's ENGINE_EVENT (worker/daemon/monitoring.ts); the run page lists them. */
export const MonitoringEventDataSchema = z.object({
  monitoring: MonitoringDecisionKindSchema,
  failure_reason: RunFailureReasonSchema.optional(),
  next_attempt: z.number().int().optional(),
  /** RESUME: the steps that succeeded in earlier attempts, which the resumed attempt does not run again. */
  succeeded_steps: z.array(z.string()).optional(),
  exit_code: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
});
export type MonitoringEventData = z.infer<typeof MonitoringEventDataSchema>;

/** What run retries decided about a failed run, in `data.retry` of its ENGINE_EVENT. */
export const RetryDecisionKindSchema = z.enum(["RETRY", "NO_RETRY", "ERROR"]);

/** `data` of run retries' ENGINE_EVENT (worker/daemon/retries.ts); the run page lists them. */
export const RetryEventDataSchema = z.object({
  retry: RetryDecisionKindSchema,
  retry_run_id: z.string().optional(),
  retry_number: z.number().int().optional(),
  strategy: ReexecutionStrategySchema.optional(),
  root_run_id: z.string().optional(),
  failure_reason: RunFailureReasonSchema.optional(),
  reason: z.string().optional(),
});
export type RetryEventData = z.infer<typeof RetryEventDataSchema>;

/**
 * `data` of the ENGINE_EVENT a code location server appends for a run worker that exited without
 * reporting how its run ended (killed, out of memory, crashed).
 */
export const RunWorkerExitDataSchema = z.object({
  failure_reason: z.literal("RUN_WORKER_CRASHED"),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
});
export type RunWorkerExitData = z.infer<typeof RunWorkerExitDataSchema>;

// ---- schedules and sensors (DESIGN.md §5.2, §5.1)

/** What a schedule or sensor asks for; a `run_key` already used by the same one launches nothing. */
export const RunRequestSchema = z.object({
  run_key: z.string().min(1).max(512).optional(),
  job: NameSchema.optional(),
  run_config: RunConfigSchema.optional(),
  tags: TagsSchema.optional(),
});
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** `POST /schedules/:name/evaluate` on the code location server. */
export const ScheduleEvaluateRequestSchema = z.object({ scheduled_time: TimestampSchema });
export const ScheduleEvaluateReplySchema = z.union([
  z.object({ run_requests: z.array(RunRequestSchema) }),
  z.object({ skip_reason: z.string() }),
]);
export type ScheduleEvaluateReply = z.infer<typeof ScheduleEvaluateReplySchema>;

export const TickStatusSchema = z.enum(["STARTED", "SUCCESS", "SKIPPED", "FAILURE"]);
export type TickStatus = z.infer<typeof TickStatusSchema>;

export const InstigatorStatusSchema = z.enum(["RUNNING", "STOPPED"]);
export type InstigatorStatus = z.infer<typeof InstigatorStatusSchema>;

export const ScheduleTickSchema = z.object({
  id: z.number().int(),
  location: z.string(),
  schedule: z.string(),
  scheduled_time: TimestampSchema,
  status: TickStatusSchema,
  run_ids: z.array(z.string()),
  skip_reason: z.string().nullable(),
  error: z.string().nullable(),
  /** Failed evaluations of this tick that count against `schedules.max_tick_retries` (an unreachable server does not). */
  failure_count: z.number().int().nonnegative(),
  started_at: TimestampSchema,
  ended_at: TimestampSchema.nullable(),
});
export type ScheduleTick = z.infer<typeof ScheduleTickSchema>;

export const ScheduleSummarySchema = ScheduleDefinitionSchema.pick({
  name: true,
  job: true,
  cron_schedule: true,
  execution_timezone: true,
  description: true,
  default_status: true,
}).extend({
  location: z.string(),
  status: InstigatorStatusSchema,
  /** The cron in words: "every weekday at 09:00". */
  cron_description: z.string(),
  /** The next few ticks (UTC ms); the dashboard shows them in the user's time zone. */
  next_ticks: z.array(TimestampSchema),
  last_tick: ScheduleTickSchema.nullable(),
});
export type ScheduleSummary = z.infer<typeof ScheduleSummarySchema>;

export const ScheduleListSchema = z.object({ schedules: z.array(ScheduleSummarySchema) });
export const ScheduleReplySchema = z.object({ schedule: ScheduleSummarySchema });
export const ScheduleTickListSchema = z.object({ ticks: z.array(ScheduleTickSchema) });

/** The run a run status sensor is evaluated for. */
export const SensorRunSchema = z.object({
  id: z.string(),
  location: z.string(),
  job: z.string(),
  status: z.enum(["SUCCESS", "FAILURE"]),
  tags: TagsSchema,
});
export type SensorRun = z.infer<typeof SensorRunSchema>;

/** `POST /sensors/:name/evaluate` on the code location server. */
export const SensorEvaluateRequestSchema = z.object({
  cursor: z.string().nullable(),
  last_tick_at: TimestampSchema.nullable(),
  /** Only for run status sensors: the run that reached the watched status. */
  run: SensorRunSchema.optional(),
});
export type SensorEvaluateRequest = z.infer<typeof SensorEvaluateRequestSchema>;
export const SensorEvaluateReplySchema = z.object({
  run_requests: z.array(RunRequestSchema),
  skip_reason: z.string().optional(),
  /** The new cursor; absent keeps the old one. The control plane moves it only on success. */
  cursor: z.string().nullable().optional(),
});
export type SensorEvaluateReply = z.infer<typeof SensorEvaluateReplySchema>;

export const SensorTickSchema = z.object({
  id: z.number().int(),
  location: z.string(),
  sensor: z.string(),
  status: TickStatusSchema,
  run_ids: z.array(z.string()),
  skip_reason: z.string().nullable(),
  error: z.string().nullable(),
  cursor: z.string().nullable(),
  started_at: TimestampSchema,
  ended_at: TimestampSchema.nullable(),
});
export type SensorTick = z.infer<typeof SensorTickSchema>;

export const SensorSummarySchema = SensorDefinitionSchema.extend({
  /** The effective interval: the sensor's own, else the instance's `sensors.minimum_interval_seconds`. */
  minimum_interval_seconds: z.number().int().positive(),
  location: z.string(),
  status: InstigatorStatusSchema,
  cursor: z.string().nullable(),
  last_tick: SensorTickSchema.nullable(),
});
export type SensorSummary = z.infer<typeof SensorSummarySchema>;
export const SensorListSchema = z.object({ sensors: z.array(SensorSummarySchema) });
export const SensorReplySchema = z.object({ sensor: SensorSummarySchema });
export const SensorTickListSchema = z.object({ ticks: z.array(SensorTickSchema) });

// ---- testing a schedule or sensor, and a sensor's cursor (Dagster's "Test schedule"/"Test sensor", `dagster sensor cursor`)

/** A sensor's cursor as an operator may set it: any string (the sensor's function parses it), bounded. */
export const SensorCursorSchema = z.string().max(65_536, "a cursor is at most 64 KiB");

/** `POST /api/schedules/:name/test`: the tick to evaluate; absent, the schedule's next tick. */
export const ScheduleTestBodySchema = z
  .object({ scheduled_time: TimestampSchema.optional().describe("the tick to evaluate, UTC ms") })
  .strict();
/** `POST /api/sensors/:name/test`: the cursor to evaluate with; absent, the sensor's stored cursor. */
export const SensorTestBodySchema = z
  .object({ cursor: SensorCursorSchema.nullable().optional().describe("null evaluates as if no cursor was ever set") })
  .strict();

/** A run request of a dry run, with the job it would launch and whether its run key was already used (then a real tick skips it). */
export const DryRunRunRequestSchema = RunRequestSchema.extend({
  job: NameSchema.nullable(),
  run_key_used: z.boolean(),
});
export type DryRunRunRequest = z.infer<typeof DryRunRunRequestSchema>;

/**
 * What a dry run found (Dagster's DryRunInstigationTick / TickEvaluation): the run requests, a
 * skip reason, or the evaluation's error — an error of the schedule's or sensor's code is a
 * result of the test, not a failure of the request. Nothing is launched or stored.
 */
export const InstigatorTestReplySchema = z.object({
  location: z.string(),
  name: z.string(),
  /** Schedules: the tick evaluated. Sensors: null. */
  scheduled_time: TimestampSchema.nullable(),
  /** Sensors: the cursor evaluated with. Schedules: null. */
  cursor_before: z.string().nullable(),
  /** Sensors: the cursor a real tick would store (unchanged when the sensor set none). Schedules: null. */
  cursor_after: z.string().nullable(),
  run_requests: z.array(DryRunRunRequestSchema),
  skip_reason: z.string().nullable(),
  error: z.string().nullable(),
});
export type InstigatorTestReply = z.infer<typeof InstigatorTestReplySchema>;

/** `PUT /api/sensors/:name/cursor`: set the cursor, or `null` to reset it (Dagster's `--delete`). */
export const SensorCursorBodySchema = z.object({ cursor: SensorCursorSchema.nullable() }).strict();
