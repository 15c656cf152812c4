/**
 * Storage of re-execution plans and lineage: the steps a re-execution run executes, the
 * steps that succeeded in a run, and the runs sharing a root. Queries only its own table and
 * reads of `runs` / `event_log`.
 */
import { and, asc, eq, or } from "drizzle-orm";
import type { ReexecutionPlan, RunLineage } from "../../protocol";
import type { Database } from "./db";
import { eventLog, runs } from "./schema";
import { runReexecutions } from "./schema-executors";

/** Saved before its run exists; saved again (replaced) when a retry interrupted before its run was created is completed. */
export async function saveReexecutionPlan(db: Database, runId: string, plan: ReexecutionPlan, now: number) {
  const values = { parentRunId: plan.parent_run_id, strategy: plan.strategy, stepKeys: plan.step_keys, createdAt: now };
  await db
    .insert(runReexecutions)
    .values({ runId, ...values })
    .onConflictDoUpdate({ target: runReexecutions.runId, set: values });
}

export async function getReexecutionPlan(db: Database, runId: string): Promise<ReexecutionPlan | null> {
  const row = await db.select().from(runReexecutions).where(eq(runReexecutions.runId, runId)).get();
  return row ? { parent_run_id: row.parentRunId, strategy: row.strategy, step_keys: row.stepKeys } : null;
}

/** Step keys with a STEP_SUCCESS in the run's event log (any attempt: a resumed run keeps them). */
export async function listSucceededSteps(db: Database, runId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ stepKey: eventLog.stepKey })
    .from(eventLog)
    .where(and(eq(eventLog.runId, runId), eq(eventLog.type, "STEP_SUCCESS")));
  return new Set(rows.flatMap((r) => (r.stepKey === null ? [] : [r.stepKey])));
}

/** Every run of the lineage rooted at `rootRunId`, the root included, oldest first. */
export async function listLineageRuns(db: Database, rootRunId: string): Promise<RunLineage["runs"]> {
  return db
    .select({
      id: runs.id,
      status: runs.status,
      parent_run_id: runs.parentRunId,
      created_at: runs.createdAt,
      tags: runs.tags,
    })
    .from(runs)
    .where(or(eq(runs.id, rootRunId), eq(runs.rootRunId, rootRunId)))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .limit(200);
}
