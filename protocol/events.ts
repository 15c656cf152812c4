/**
 * The event log (DESIGN.md §5.3): what run workers report and what the control plane writes itself.
 * Dagster's DagsterEventType names.
 */
import { z } from "zod";
import { JsonObjectSchema, JsonValueSchema } from "./json";
import { TimestampSchema } from "./run";

/** Sent by run workers. */
export const RunWorkerEventTypeSchema = z.enum([
  "RUN_START",
  "RUN_SUCCESS",
  "RUN_FAILURE",
  "RUN_CANCELED",
  "STEP_START",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "STEP_UP_FOR_RETRY",
  "STEP_RESTARTED",
  "STEP_OUTPUT",
  "ASSET_MATERIALIZATION",
  "LOG",
  "ENGINE_EVENT",
  "HEARTBEAT",
]);
export type RunWorkerEventType = z.infer<typeof RunWorkerEventTypeSchema>;

/** Every type in the log: the run workers' and the control plane's own (RUN_ENQUEUED ... RUN_CANCELING). */
export const EventTypeSchema = z.enum([
  ...RunWorkerEventTypeSchema.options,
  "RUN_ENQUEUED",
  "RUN_DEQUEUED",
  "RUN_STARTING",
  "RUN_CANCELING",
]);
export type EventType = z.infer<typeof EventTypeSchema>;

export const LogLevelSchema = z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** An error as events carry it: user code's message and stack, never coerced to a bare string. */
export const SerializedErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  cause: z.lazy((): z.ZodType<unknown> => SerializedErrorSchema).optional(),
});
export type SerializedError = z.infer<typeof SerializedErrorSchema>;

/**
 * Where a step's failure came from, Dagster's `ErrorSource` (dagster/_core/execution/plan/objects.py):
 * `INTERRUPT` marks a step stopped because its run was terminated — the dashboard shows that step
 * canceled, not failed. Absent: the op (or the framework around it) failed.
 */
export const ErrorSourceSchema = z.enum(["FRAMEWORK_ERROR", "USER_CODE_ERROR", "UNEXPECTED_ERROR", "INTERRUPT"]);
export type ErrorSource = z.infer<typeof ErrorSourceSchema>;

/** `data` of STEP_FAILURE and RUN_FAILURE. */
export const ErrorEventDataSchema = z.object({
  error: SerializedErrorSchema,
  error_source: ErrorSourceSchema.optional(),
});
/** `data` of STEP_OUTPUT: the output's name and, when it is JSON and small, its value. */
export const StepOutputDataSchema = z.object({ output: z.string(), value: JsonValueSchema.optional() });
export type StepOutputData = z.infer<typeof StepOutputDataSchema>;
/** `data` of STEP_SKIPPED: why the step did not run. */
export const StepSkippedDataSchema = z.object({ reason: z.string() });
export type StepSkippedData = z.infer<typeof StepSkippedDataSchema>;

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_EVENT_MESSAGE_LENGTH = 64 * 1024;

/**
 * One event from a run worker. `seq` is per run attempt, from 1, with no gaps; the control plane
 * stores a (run, attempt, seq) once however often it is delivered.
 * `data` by type: STEP_FAILURE / RUN_FAILURE `{error: SerializedError}`, STEP_OUTPUT `{output}`,
 * STEP_SKIPPED `{reason}`.
 */
export const RunWorkerEventSchema = z.object({
  seq: z.number().int().positive(),
  type: RunWorkerEventTypeSchema,
  ts: TimestampSchema,
  step_key: z.string().min(1).max(512).optional(),
  level: LogLevelSchema.optional(),
  message: z.string().max(MAX_EVENT_MESSAGE_LENGTH).optional(),
  data: JsonObjectSchema.optional(),
});
export type RunWorkerEvent = z.infer<typeof RunWorkerEventSchema>;

export const EventBatchSchema = z.object({
  events: z.array(RunWorkerEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type EventBatch = z.infer<typeof EventBatchSchema>;

/** Reply to an event batch: every seq up to and including `acked_through` is stored. */
export const EventAckSchema = z.object({ acked_through: z.number().int().nonnegative() });
export type EventAck = z.infer<typeof EventAckSchema>;

/** An event as the API returns it. `seq` is null for the control plane's own events. */
export const StoredEventSchema = z.object({
  id: z.number().int(),
  run_id: z.string(),
  attempt: z.number().int(),
  seq: z.number().int().nullable(),
  type: EventTypeSchema,
  ts: TimestampSchema,
  step_key: z.string().nullable(),
  level: LogLevelSchema,
  message: z.string().nullable(),
  data: JsonObjectSchema.nullable(),
});
export type StoredEvent = z.infer<typeof StoredEventSchema>;
