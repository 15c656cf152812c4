/**
 * The reads and writes of run monitoring and run retries: which runs are in progress, when each
 * run worker last spoke, the resume of a run as a new attempt, why a run failed, and the
 * `run_retries` claim. Status changes still go through runs-repo's `transitionRun`.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, max, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Run, RunFailureReason } from "../../protocol";
import { IN_PROGRESS_STATUSES, RunFailureReasonSchema } from "../../protocol";
import { chunkForBoundParameters } from "./d1-limits";
import type { Database } from "./db";
import { runBatch } from "./db";
import type { ControlPlaneEvent } from "./event-log-repo";
import { eventIfPreviousChangedStatement } from "./event-log-repo";
import { addRunTagsStatements, toRun } from "./runs-repo";
import { eventLog, runs } from "./schema";
import { type RETRY_DECISIONS, runRetries } from "./schema-daemon";

/** More than this many in-progress runs are looked at over several passes (oldest first). */
export const MONITORING_BATCH = 500;

export async function listInProgressRuns(db: Database): Promise<Run[]> {
  const rows = await db
    .select()
    .from(runs)
    .where(inArray(runs.status, [...IN_PROGRESS_STATUSES]))
    .orderBy(asc(runs.updatedAt))
    .limit(MONITORING_BATCH);
  return rows.map(toRun);
}

/** For each run, the ts of the newest event its current attempt's run worker sent (seq not null). */
export async function lastWorkerEventTimes(
  db: Database,
  current: readonly Pick<Run, "id" | "attempt">[],
): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const chunk of chunkForBoundParameters(current, 1)) {
    const rows = await db
      .select({ runId: eventLog.runId, attempt: eventLog.attempt, last: max(eventLog.ts) })
      .from(eventLog)
      .where(
        and(
          inArray(
            eventLog.runId,
            chunk.map((r) => r.id),
          ),
          isNotNull(eventLog.seq),
        ),
      )
      .groupBy(eventLog.runId, eventLog.attempt);
    const attempts = new Map(chunk.map((r) => [r.id, r.attempt]));
    for (const row of rows) {
      if (row.last !== null && attempts.get(row.runId) === row.attempt) result.set(row.runId, row.last);
    }
  }
  return result;
}

/**
 * Moves a STARTED run to its next attempt (run monitoring's resume), with the new attempt's run
 * token, and logs why — only if the run is still STARTED on the attempt we looked at. False: lost
 * a race (another pass resumed it, or the run ended meanwhile).
 */
export async function resumeRunAttempt(
  db: Database,
  run: Pick<Run, "id" | "attempt">,
  runTokenHash: string,
  now: number,
  event: ControlPlaneEvent,
): Promise<boolean> {
  const [changed] = await runBatch(db, [
    db
      .update(runs)
      .set({ attempt: run.attempt + 1, runTokenHash, launchHandle: null, updatedAt: now })
      .where(and(eq(runs.id, run.id), eq(runs.attempt, run.attempt), eq(runs.status, "STARTED")))
      .returning({ id: runs.id }),
    eventIfPreviousChangedStatement(db, event),
  ]);
  return Array.isArray(changed) && changed.length > 0;
}

/** Failed runs that run retries has not decided about yet, oldest first, ended after `since`. */
export async function listUndecidedFailures(db: Database, since: number, limit: number): Promise<Run[]> {
  const rows = await db
    .select({ run: runs })
    .from(runs)
    .leftJoin(runRetries, eq(runRetries.failedRunId, runs.id))
    .where(and(eq(runs.status, "FAILURE"), gte(runs.updatedAt, since), isNull(runRetries.failedRunId)))
    .orderBy(asc(runs.updatedAt))
    .limit(limit);
  return rows.map((r) => toRun(r.run));
}

/**
 * Why a run failed: the newest `data.failure_reason` in its log (written by run monitoring, by the
 * code location server for a crashed run worker), else STEP_FAILURE when a step failed, else
 * UNEXPECTED_ERROR (a launch failure, or the run worker's own error outside any step).
 */
export async function readFailureReason(db: Database, runId: string): Promise<RunFailureReason> {
  const reasonSql = sql<string | null>`json_extract(${eventLog.data}, '$.failure_reason')`;
  const [tagged, stepFailure] = await Promise.all([
    db
      .select({ reason: reasonSql })
      .from(eventLog)
      .where(and(eq(eventLog.runId, runId), isNotNull(reasonSql)))
      .orderBy(desc(eventLog.id))
      .limit(1)
      .get(),
    db
      .select({ id: eventLog.id })
      .from(eventLog)
      .where(and(eq(eventLog.runId, runId), eq(eventLog.type, "STEP_FAILURE")))
      .limit(1)
      .get(),
  ]);
  const parsed = RunFailureReasonSchema.safeParse(tagged?.reason);
  if (parsed.success) return parsed.data;
  return stepFailure ? "STEP_FAILURE" : "UNEXPECTED_ERROR";
}

export type RetryDecisionRow = (typeof RETRY_DECISIONS)[number];

/**
 * Claims the decision about one failed run, and writes the decision's tags on the run in the same
 * batch (the decision is deterministic, so a pass that lost the claim writes the same values).
 * False: another pass already decided.
 */
export async function claimRetryDecision(
  db: Database,
  failedRunId: string,
  decision: RetryDecisionRow,
  reason: string | null,
  now: number,
  tags: Record<string, string>,
  /** The id the retry run will have (a RETRY): chosen with the claim, so a retry created twice is one run. */
  retryRunId: string | null = null,
): Promise<boolean> {
  const [rows] = await runBatch(db, [
    db
      .insert(runRetries)
      .values({ failedRunId, decision, reason, decidedAt: now, retryRunId })
      .onConflictDoNothing()
      .returning({ id: runRetries.failedRunId }),
    ...addRunTagsStatements(db, failedRunId, tags),
  ]);
  return Array.isArray(rows) && rows.length > 0;
}

/**
 * RETRY decisions whose retry run was never created (the pass that decided stopped before it did,
 * Dagster's NOT_STARTED retry): the failed run and the retry run's planned id, oldest first.
 */
export async function listUnfinishedRetries(
  db: Database,
  limit: number,
): Promise<{ failed: Run; retryRunId: string }[]> {
  const retry = alias(runs, "retry");
  const rows = await db
    .select({ failed: runs, retryRunId: runRetries.retryRunId })
    .from(runRetries)
    .innerJoin(runs, eq(runs.id, runRetries.failedRunId))
    .leftJoin(retry, eq(retry.id, runRetries.retryRunId))
    .where(and(eq(runRetries.decision, "RETRY"), isNotNull(runRetries.retryRunId), isNull(retry.id)))
    .orderBy(asc(runRetries.decidedAt))
    .limit(limit);
  return rows.flatMap((row) =>
    row.retryRunId === null ? [] : [{ failed: toRun(row.failed), retryRunId: row.retryRunId }],
  );
}

/** Creating the retry failed: the decision becomes ERROR, with what went wrong. */
export async function recordRetryError(db: Database, failedRunId: string, error: string): Promise<void> {
  await db.update(runRetries).set({ decision: "ERROR", reason: error }).where(eq(runRetries.failedRunId, failedRunId));
}
