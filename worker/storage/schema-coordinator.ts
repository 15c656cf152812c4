/**
 * D1 tables of the run coordinator's area (DESIGN.md §2, §4): the instance config overrides an
 * admin saved (one row), and the audit log saying who changed what. Their migration is generated
 * from these declarations by `npm run db:generate` (migrations/).
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { InstanceConfigOverrides, JsonObject } from "../../protocol";

/** The third layer of the instance config; `id` is always 1. */
export const instanceOverrides = sqliteTable("instance_overrides", {
  id: integer("id").primaryKey(),
  overrides: text("overrides", { mode: "json" }).$type<InstanceConfigOverrides>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** One row per operator action: config changes, queue pause/resume, priority changes. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ts: integer("ts").notNull(),
    /** Who: `admin token` or `dashboard session` until API tokens with names exist. */
    actor: text("actor").notNull(),
    /** What, e.g. `instance.update`, `queue.pause`, `run.priority`. */
    action: text("action").notNull(),
    /** The run id or config section acted on, if any. */
    target: text("target"),
    details: text("details", { mode: "json" }).$type<JsonObject>(),
  },
  (t) => [index("audit_log_ts_idx").on(t.ts)],
);
