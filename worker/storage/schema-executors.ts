/**
 * The executors area's D1 tables, kept out of schema.ts on purpose (see README,
 * "Executors"): `run_reexecutions` holds what a re-execution run executes — Dagster keeps
 * `step_keys_to_execute` on the run record; here it sits beside the run, one row per re-execution,
 * read by the launcher only for runs that have a parent. Its migration is generated from these
 * declarations by `npm run db:generate` (migrations/).
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ReexecutionPlanStrategy } from "../../protocol";
import { ReexecutionPlanStrategySchema } from "../../protocol";

const STRATEGIES = [...ReexecutionPlanStrategySchema.options] as [
  ReexecutionPlanStrategy,
  ...ReexecutionPlanStrategy[],
];

export const runReexecutions = sqliteTable("run_reexecutions", {
  /** The re-execution run. No foreign key: the row is written just before the run is submitted. */
  runId: text("run_id").primaryKey(),
  parentRunId: text("parent_run_id").notNull(),
  strategy: text("strategy", { enum: STRATEGIES }).notNull(),
  stepKeys: text("step_keys", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull(),
});
