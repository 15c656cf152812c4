/**
 * Run storage (Dagster's run storage): the run record, its tags, and the one way `runs.status`
 * is written — a conditional write built from the run state machine's predecessors.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Run, RunAgent, RunStatus } from "../../protocol";
import { IN_PROGRESS_STATUSES } from "../../protocol";
import { allowedPredecessors } from "../../protocol/run-state-machine";
import { chunkForBoundParameters } from "./d1-limits";
import type { BatchStatement, Database } from "./db";
import { runBatch } from "./db";
import type { ControlPlaneEvent } from "./event-log-repo";
import { eventIfPreviousChangedStatement } from "./event-log-repo";
import type { RunRow } from "./schema";
import { runs, runTags } from "./schema";

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    location: row.location,
    job: row.job,
    status: row.status,
    run_config: row.runConfig,
    tags: row.tags,
    priority: row.priority,
    attempt: row.attempt,
    parent_run_id: row.parentRunId,
    root_run_id: row.rootRunId,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    started_at: row.startedAt,
    ended_at: row.endedAt,
    agent: row.agentId === null ? null : { id: row.agentId, host: row.agentHost ?? "" },
  };
}

/** The run row and its tag rows, for one batch with whatever else the submit writes. */
export function insertRunStatements(db: Database, run: Run): BatchStatement[] {
  const statements: BatchStatement[] = [
    db.insert(runs).values({
      id: run.id,
      location: run.location,
      job: run.job,
      status: run.status,
      runConfig: run.run_config,
      tags: run.tags,
      priority: run.priority,
      attempt: run.attempt,
      parentRunId: run.parent_run_id,
      rootRunId: run.root_run_id,
      createdAt: run.created_at,
      updatedAt: run.updated_at,
      startedAt: run.started_at,
      endedAt: run.ended_at,
    }),
  ];
  const tagRows = Object.entries(run.tags).map(([key, value]) => ({ runId: run.id, key, value }));
  for (const chunk of chunkForBoundParameters(tagRows, 3)) statements.push(db.insert(runTags).values(chunk));
  return statements;
}

export async function getRun(db: Database, id: string): Promise<Run | null> {
  const row = await db.select().from(runs).where(eq(runs.id, id)).get();
  return row ? toRun(row) : null;
}

/** What the events webhook needs to authorize a delivery: one small read on the hot path. */
export async function getRunCredentials(
  db: Database,
  id: string,
): Promise<{ status: RunStatus; attempt: number; runTokenHash: string | null } | null> {
  const row = await db
    .select({ status: runs.status, attempt: runs.attempt, runTokenHash: runs.runTokenHash })
    .from(runs)
    .where(eq(runs.id, id))
    .get();
  return row ?? null;
}

export type RunTransition = {
  runId: string;
  to: RunStatus;
  /** Defaults to every allowed predecessor of `to`; a writer may narrow the set, never widen it. */
  from?: readonly RunStatus[];
  /** When set, the write only applies to this attempt (a late event of an older attempt is ignored). */
  attempt?: number;
  now: number;
  startedAt?: number;
  endedAt?: number;
  runTokenHash?: string;
};

/** `UPDATE runs SET status = ? ... WHERE id = ? AND status IN (...)`, returning the row when it changed. */
export function runTransitionStatement(db: Database, t: RunTransition): BatchStatement {
  const allowed = allowedPredecessors(t.to);
  const from = t.from ?? allowed;
  const illegal = from.filter((s) => !allowed.includes(s));
  if (illegal.length > 0 || from.length === 0) {
    throw new Error(`run state machine: ${illegal.join(",") || "(nothing)"} -> ${t.to} is not a transition`);
  }
  const conditions = [eq(runs.id, t.runId), inArray(runs.status, [...from])];
  if (t.attempt !== undefined) conditions.push(eq(runs.attempt, t.attempt));
  return db
    .update(runs)
    .set({
      status: t.to,
      updatedAt: t.now,
      ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
      ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
      ...(t.runTokenHash !== undefined ? { runTokenHash: t.runTokenHash } : {}),
    })
    .where(and(...conditions))
    .returning({ id: runs.id });
}

/**
 * Applies one transition and, only when it took effect, logs `event` with it — atomically.
 * Returns false when the run was not in an allowed predecessor: the caller lost a race.
 */
export async function transitionRun(
  db: Database,
  t: RunTransition,
  event?: ControlPlaneEvent,
  /** Writes that must land in the same batch, before the transition (e.g. inserting the run). */
  before: readonly BatchStatement[] = [],
): Promise<boolean> {
  const statements = [...before, runTransitionStatement(db, t)];
  if (event) statements.push(eventIfPreviousChangedStatement(db, event));
  const changed = (await runBatch(db, statements))[before.length];
  return Array.isArray(changed) && changed.length > 0;
}

/**
 * Records the launcher's handle for the attempt and reads the run back, in one round trip. A launch
 * that went to an agent also records the agent (runAgentStatements).
 */
export async function saveLaunchHandle(
  db: Database,
  runId: string,
  attempt: number,
  handle: string,
  now: number,
  agent: RunAgent | null = null,
): Promise<Run | null> {
  const results = await runBatch(db, [
    db
      .update(runs)
      .set({ launchHandle: handle, updatedAt: now })
      .where(and(eq(runs.id, runId), eq(runs.attempt, attempt))),
    ...(agent ? runAgentStatements(db, runId, attempt, agent, now) : []),
    db.select().from(runs).where(eq(runs.id, runId)),
  ]);
  const rows = results[results.length - 1];
  const row = Array.isArray(rows) ? (rows[0] as typeof runs.$inferSelect | undefined) : undefined;
  return row ? toRun(row) : null;
}

/** Records the agent an attempt was launched on, for a launch that saves no handle (a resumed attempt). */
export async function recordRunAgent(
  db: Database,
  runId: string,
  attempt: number,
  agent: RunAgent,
  now: number,
): Promise<void> {
  await runBatch(db, runAgentStatements(db, runId, attempt, agent, now));
}

/**
 * The agent on the run (so the run page and `GET /api/runs/:id` show it after the run and the
 * agent are gone), and Dagster's launch engine event in its log, so every attempt's agent stays
 * readable; both only while the attempt is still the one launched.
 */
function runAgentStatements(
  db: Database,
  runId: string,
  attempt: number,
  agent: RunAgent,
  now: number,
): BatchStatement[] {
  return [
    db
      .update(runs)
      .set({ agentId: agent.id, agentHost: agent.host })
      .where(and(eq(runs.id, runId), eq(runs.attempt, attempt))),
    eventIfPreviousChangedStatement(db, {
      runId,
      attempt,
      type: "ENGINE_EVENT",
      ts: now,
      level: "INFO",
      message: `Launched on agent ${agent.id}${agent.host ? ` (${agent.host})` : ""}.`,
      data: { agent_id: agent.id, agent_host: agent.host },
    }),
  ];
}

/** Every run D1 holds in progress, for the run coordinator to reconcile its slots with (DESIGN.md §2). */
export async function listInProgressForReconcile(db: Database) {
  return db
    .select({ id: runs.id, tags: runs.tags, since: runs.updatedAt })
    .from(runs)
    .where(inArray(runs.status, [...IN_PROGRESS_STATUSES]));
}

/** The oldest `limit` runs QUEUED in D1, for the run coordinator to adopt those it never heard of. */
export async function listQueuedPage(db: Database, limit: number) {
  return db
    .select({ id: runs.id, tags: runs.tags, createdAt: runs.createdAt, location: runs.location })
    .from(runs)
    .where(inArray(runs.status, ["QUEUED"]))
    .orderBy(runs.createdAt)
    .limit(limit);
}

/**
 * Adds tags to an existing run (or changes their values), in its `tags` JSON and its tag rows, as
 * Dagster's `add_run_tags`: for the daemon's own tags on a run, never the user's at submit.
 */
export function addRunTagsStatements(db: Database, runId: string, tags: Record<string, string>): BatchStatement[] {
  const rows = Object.entries(tags).map(([key, value]) => ({ runId, key, value }));
  return [
    db
      .update(runs)
      .set({ tags: sql`json_patch(${runs.tags}, ${JSON.stringify(tags)})` })
      .where(eq(runs.id, runId)),
    ...chunkForBoundParameters(rows, 3).map((chunk) =>
      db
        .insert(runTags)
        .values(chunk)
        .onConflictDoUpdate({ target: [runTags.runId, runTags.key], set: { value: sql`excluded.value` } }),
    ),
  ];
}
