/**
 * The daemon's D1 tables (DESIGN.md §6). Every daemon duty claims its work with a unique row
 * before acting, so two overlapping `scheduled()` invocations act once:
 * - `run_retries`: one row per failed run that run retries looked at (Dagster keeps this as the
 *   auto-reexecution daemon's event-log cursor plus the `dagster/retry_number` tags);
 * - `schedule_state`: a schedule's status (RUNNING/STOPPED, once someone set it) and cursor (the
 *   last tick considered), Dagster's InstigatorState;
 * - `schedule_ticks`: one row per (schedule, scheduled time) — the claim — with its outcome.
 * Declared apart from schema.ts to keep each file to one area; the migration is generated from
 * these declarations by `npm run db:generate` (migrations/).
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { InstigatorStatus, TickStatus } from "../../protocol";

export const RETRY_DECISIONS = ["RETRY", "NO_RETRY", "ERROR"] as const;

export const runRetries = sqliteTable(
  "run_retries",
  {
    /** The failed run; the primary key is the claim: one decision, and one retry, per failure. */
    failedRunId: text("failed_run_id").primaryKey(),
    decision: text("decision", { enum: RETRY_DECISIONS }).notNull(),
    /** The retry run's id, chosen with a RETRY decision; the run exists once created. */
    retryRunId: text("retry_run_id"),
    /** Why not, or what went wrong creating the retry. */
    reason: text("reason"),
    decidedAt: integer("decided_at").notNull(),
  },
  (t) => [index("run_retries_retry_run_id_idx").on(t.retryRunId)],
);

export const scheduleState = sqliteTable(
  "schedule_state",
  {
    location: text("location").notNull(),
    name: text("name").notNull(),
    /** Null: the definition's default_status applies (nobody started or stopped it). */
    status: text("status", { enum: ["RUNNING", "STOPPED"] as const satisfies readonly InstigatorStatus[] }),
    /** The newest scheduled time already considered; ticks after it are due. */
    cursor: integer("cursor").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.location, t.name] })],
);

export const scheduleTicks = sqliteTable(
  "schedule_ticks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    location: text("location").notNull(),
    name: text("name").notNull(),
    scheduledTime: integer("scheduled_time").notNull(),
    status: text("status", {
      enum: ["STARTED", "SUCCESS", "SKIPPED", "FAILURE"] as const satisfies readonly TickStatus[],
    }).notNull(),
    runIds: text("run_ids", { mode: "json" }).$type<string[]>().notNull(),
    skipReason: text("skip_reason"),
    error: text("error"),
    /**
     * Dagster's tick failure_count: evaluations of this tick that failed for another reason than an
     * unreachable code location; the tick is evaluated again while it is ≤ `schedules.max_tick_retries`.
     */
    failureCount: integer("failure_count").notNull().default(0),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
  },
  // The claim: one tick per schedule and scheduled time, whoever evaluates it.
  (t) => [uniqueIndex("schedule_ticks_location_name_time_idx").on(t.location, t.name, t.scheduledTime)],
);

export type ScheduleTickRow = typeof scheduleTicks.$inferSelect;

/**
 * Run keys already used, per schedule or sensor (DESIGN.md §5.2): claimed before the run is
 * submitted, so a run request with a used key launches nothing — across restarts, forever.
 */
export const runKeys = sqliteTable(
  "run_keys",
  {
    kind: text("kind", { enum: ["SCHEDULE", "SENSOR"] }).notNull(),
    location: text("location").notNull(),
    name: text("name").notNull(),
    runKey: text("run_key").notNull(),
    runId: text("run_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.location, t.name, t.runKey] })],
);

/** A sensor's status (once set), its cursor (moved only by a successful evaluation) and its last evaluation. */
export const sensorState = sqliteTable(
  "sensor_state",
  {
    location: text("location").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["RUNNING", "STOPPED"] as const satisfies readonly InstigatorStatus[] }),
    cursor: text("cursor"),
    /** When the last evaluation was claimed; the claim is a conditional update of this column. */
    lastTickAt: integer("last_tick_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.location, t.name] })],
);

export const sensorTicks = sqliteTable(
  "sensor_ticks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    location: text("location").notNull(),
    name: text("name").notNull(),
    status: text("status", {
      enum: ["STARTED", "SUCCESS", "SKIPPED", "FAILURE"] as const satisfies readonly TickStatus[],
    }).notNull(),
    runIds: text("run_ids", { mode: "json" }).$type<string[]>().notNull(),
    skipReason: text("skip_reason"),
    error: text("error"),
    cursor: text("cursor"),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [index("sensor_ticks_location_name_id_idx").on(t.location, t.name, t.id)],
);
export type SensorTickRow = typeof sensorTicks.$inferSelect;
