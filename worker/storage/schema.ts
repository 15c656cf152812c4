/**
 * The D1 schema, Flightdeck's system of record (DESIGN.md §2): the workspace (code locations and
 * their definition snapshots), runs with their tags, and the event log. Mirrors Dagster's run
 * storage and event log storage. Enum columns reuse the protocol's enums so a stored string is
 * declared once. Times are milliseconds since the epoch.
 */

import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Definitions, JsonObject, RunConfig, Tags } from "../../protocol";
import { CodeLocationStatusSchema, EventTypeSchema, LogLevelSchema, RunStatusSchema } from "../../protocol";

/** A zod enum's options as the non-empty tuple drizzle's `text({ enum })` wants. */
function values<T extends string>(options: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = options;
  if (first === undefined) throw new Error("an enum column needs at least one value");
  return [first, ...rest];
}

export const codeLocations = sqliteTable("code_locations", {
  name: text("name").primaryKey(),
  url: text("url").notNull(),
  /** The Standard Webhooks signing secret: read by the launcher, never by an API reply. */
  secret: text("secret").notNull(),
  status: text("status", { enum: values(CodeLocationStatusSchema.options) }).notNull(),
  loadError: text("load_error"),
  /** The last `GET /definitions` that parsed; null unless status is LOADED. */
  definitions: text("definitions", { mode: "json" }).$type<Definitions>(),
  loadedAt: integer("loaded_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    location: text("location").notNull(),
    job: text("job").notNull(),
    status: text("status", { enum: values(RunStatusSchema.options) }).notNull(),
    runConfig: text("run_config", { mode: "json" }).$type<RunConfig>().notNull(),
    tags: text("tags", { mode: "json" }).$type<Tags>().notNull(),
    priority: integer("priority").notNull().default(0),
    attempt: integer("attempt").notNull().default(1),
    parentRunId: text("parent_run_id"),
    rootRunId: text("root_run_id"),
    /** SHA-256 (hex) of the current attempt's run token; the token itself is never stored. */
    runTokenHash: text("run_token_hash"),
    /** What the code location server answered to the launch (`{handle}`), to find the run worker again. */
    launchHandle: text("launch_handle"),
    /** The agent the latest launch went to (id, and host and pid), kept after the run and the agent are gone. */
    agentId: text("agent_id"),
    agentHost: text("agent_host"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    startedAt: integer("started_at"),
    endedAt: integer("ended_at"),
  },
  (t) => [
    // `GET /api/runs` pages by (created_at, id) descending; each filter has an index whose tail
    // is that order, so a page is an index range scan, never a sort of the whole table.
    index("runs_created_at_id_idx").on(t.createdAt, t.id),
    index("runs_status_created_at_idx").on(t.status, t.createdAt, t.id),
    index("runs_job_created_at_idx").on(t.job, t.createdAt, t.id),
  ],
);

/** One row per tag of a run, for filtering; the run's own `tags` JSON is what replies show. */
export const runTags = sqliteTable(
  "run_tags",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.key] }),
    index("run_tags_key_value_run_id_idx").on(t.key, t.value, t.runId),
  ],
);

export const eventLog = sqliteTable(
  "event_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    /** The run worker's sequence number; null for the control plane's own events. */
    seq: integer("seq"),
    type: text("type", { enum: values(EventTypeSchema.options) }).notNull(),
    ts: integer("ts").notNull(),
    stepKey: text("step_key"),
    level: text("level", { enum: values(LogLevelSchema.options) }).notNull(),
    message: text("message"),
    data: text("data", { mode: "json" }).$type<JsonObject>(),
  },
  (t) => [
    // A redelivered event hits this and is skipped (ON CONFLICT DO NOTHING). NULL seqs never
    // conflict, so the control plane's own events are all kept.
    uniqueIndex("event_log_run_attempt_seq_idx").on(t.runId, t.attempt, t.seq),
    index("event_log_run_id_id_idx").on(t.runId, t.id),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type EventLogRow = typeof eventLog.$inferSelect;
export type NewEventLogRow = typeof eventLog.$inferInsert;
export * from "./schema-access";
export * from "./schema-agents";
export * from "./schema-alerts";
export * from "./schema-coordinator";
export * from "./schema-daemon";
export * from "./schema-executors";
