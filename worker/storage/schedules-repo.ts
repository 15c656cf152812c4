/**
 * Schedule storage (Dagster's schedule storage: instigator state and ticks) and the run-key claims
 * shared with sensors. Every write that decides something is a claim: an insert that a second
 * daemon pass cannot repeat (unique row), or a monotonic update.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { InstigatorStatus, ScheduleTick, TickStatus } from "../../protocol";
import type { Database } from "./db";
import { stateKey } from "./instigator-state-key";
import { runs, runTags } from "./schema";
import type { ScheduleTickRow } from "./schema-daemon";
import { runKeys, scheduleState, scheduleTicks } from "./schema-daemon";

export type ScheduleStateRow = typeof scheduleState.$inferSelect;

export async function listScheduleStates(db: Database): Promise<Map<string, ScheduleStateRow>> {
  const rows = await db.select().from(scheduleState);
  return new Map(rows.map((r) => [stateKey(r.location, r.name), r]));
}

/** First sight of a schedule: its cursor starts now (no ticks from before it existed). */
export async function ensureScheduleState(db: Database, location: string, name: string, now: number): Promise<void> {
  await db
    .insert(scheduleState)
    .values({ location, name, status: null, cursor: now, updatedAt: now })
    .onConflictDoNothing();
}

/** Moves the cursor forward only: overlapping passes can never move it back. */
export async function advanceScheduleCursor(db: Database, location: string, name: string, to: number, now: number) {
  await db
    .update(scheduleState)
    .set({ cursor: sql`max(${scheduleState.cursor}, ${to})`, updatedAt: now })
    .where(and(eq(scheduleState.location, location), eq(scheduleState.name, name)));
}

/** Start or stop. Starting begins from now, as Dagster does: ticks missed while stopped never run. */
export async function setScheduleStatus(
  db: Database,
  location: string,
  name: string,
  status: InstigatorStatus,
  now: number,
): Promise<void> {
  const cursor = status === "RUNNING" ? { cursor: now } : {};
  await db
    .insert(scheduleState)
    .values({ location, name, status, cursor: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [scheduleState.location, scheduleState.name],
      set: { status, updatedAt: now, ...cursor },
    });
}

/** Claims one tick; null when another pass already has it. */
export async function claimScheduleTick(
  db: Database,
  location: string,
  name: string,
  scheduledTime: number,
  now: number,
  initial: { status: TickStatus; skipReason?: string } = { status: "STARTED" },
): Promise<number | null> {
  const rows = await db
    .insert(scheduleTicks)
    .values({
      location,
      name,
      scheduledTime,
      status: initial.status,
      runIds: [],
      skipReason: initial.skipReason ?? null,
      startedAt: now,
      endedAt: initial.status === "STARTED" ? null : now,
    })
    .onConflictDoNothing()
    .returning({ id: scheduleTicks.id });
  return rows[0]?.id ?? null;
}

export async function finishScheduleTick(
  db: Database,
  id: number,
  outcome: {
    status: TickStatus;
    runIds: string[];
    skipReason?: string | null;
    error?: string | null;
    failureCount?: number;
  },
  now: number,
): Promise<void> {
  await db
    .update(scheduleTicks)
    .set({
      status: outcome.status,
      runIds: outcome.runIds,
      skipReason: outcome.skipReason ?? null,
      error: outcome.error ?? null,
      ...(outcome.failureCount === undefined ? {} : { failureCount: outcome.failureCount }),
      endedAt: now,
    })
    .where(eq(scheduleTicks.id, id));
}

/** The schedule's newest tick (by scheduled time), the one a pass may have to evaluate again. */
export async function latestScheduleTick(
  db: Database,
  location: string,
  name: string,
): Promise<ScheduleTickRow | null> {
  return (
    (await db
      .select()
      .from(scheduleTicks)
      .where(and(eq(scheduleTicks.location, location), eq(scheduleTicks.name, name)))
      .orderBy(desc(scheduleTicks.scheduledTime))
      .limit(1)
      .get()) ?? null
  );
}

/**
 * Claims a tick again for another evaluation — a FAILURE to retry, or a STARTED one whose pass
 * died — if it is still as read (same status and start): two passes never evaluate it at once.
 */
export async function reclaimScheduleTick(db: Database, tick: ScheduleTickRow, now: number): Promise<boolean> {
  const rows = await db
    .update(scheduleTicks)
    .set({ status: "STARTED", startedAt: now, endedAt: null, error: null })
    .where(
      and(
        eq(scheduleTicks.id, tick.id),
        eq(scheduleTicks.status, tick.status),
        eq(scheduleTicks.startedAt, tick.startedAt),
      ),
    )
    .returning({ id: scheduleTicks.id });
  return rows.length > 0;
}

export function toScheduleTick(row: ScheduleTickRow): ScheduleTick {
  return {
    id: row.id,
    location: row.location,
    schedule: row.name,
    scheduled_time: row.scheduledTime,
    status: row.status,
    run_ids: row.runIds,
    skip_reason: row.skipReason,
    error: row.error,
    failure_count: row.failureCount,
    started_at: row.startedAt,
    ended_at: row.endedAt,
  };
}

export async function listScheduleTicks(
  db: Database,
  location: string,
  name: string,
  limit: number,
): Promise<ScheduleTick[]> {
  const rows = await db
    .select()
    .from(scheduleTicks)
    .where(and(eq(scheduleTicks.location, location), eq(scheduleTicks.name, name)))
    .orderBy(desc(scheduleTicks.scheduledTime))
    .limit(limit);
  return rows.map(toScheduleTick);
}

/** Claims a run key for a schedule or sensor; false when it was used before. */
export async function claimRunKey(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
  now: number,
): Promise<boolean> {
  const rows = await db
    .insert(runKeys)
    .values({ kind, location, name, runKey, runId: null, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: runKeys.runKey });
  return rows.length > 0;
}

export async function recordRunKeyRun(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
  runId: string,
): Promise<void> {
  await db
    .update(runKeys)
    .set({ runId })
    .where(
      and(eq(runKeys.kind, kind), eq(runKeys.location, location), eq(runKeys.name, name), eq(runKeys.runKey, runKey)),
    );
}

/** The run a claimed run key launched; null when the key is unclaimed or its run was never recorded. */
export async function runOfRunKey(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
): Promise<{ runId: string | null } | null> {
  const row = await db
    .select({ runId: runKeys.runId })
    .from(runKeys)
    .where(
      and(eq(runKeys.kind, kind), eq(runKeys.location, location), eq(runKeys.name, name), eq(runKeys.runKey, runKey)),
    )
    .get();
  return row ?? null;
}

export async function isRunKeyUsed(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
): Promise<boolean> {
  const row = await db
    .select({ key: runKeys.runKey })
    .from(runKeys)
    .where(
      and(eq(runKeys.kind, kind), eq(runKeys.location, location), eq(runKeys.name, name), eq(runKeys.runKey, runKey)),
    )
    .get();
  return row !== undefined;
}

/** Gives a run key back when the submit it was claimed for failed (nothing was launched). */
export async function releaseRunKey(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
): Promise<void> {
  await db
    .delete(runKeys)
    .where(
      and(eq(runKeys.kind, kind), eq(runKeys.location, location), eq(runKeys.name, name), eq(runKeys.runKey, runKey)),
    );
}

/**
 * The run a schedule or sensor submitted for a run key, found by its tags — for a claimed key
 * whose run was never recorded (the pass died between the submit and the record): Dagster's
 * `_get_existing_run_for_request`.
 */
export async function findInstigatedRun(
  db: Database,
  kind: "SCHEDULE" | "SENSOR",
  location: string,
  name: string,
  runKey: string,
): Promise<string | null> {
  const instigatorTag = kind === "SCHEDULE" ? "flightdeck/schedule" : "flightdeck/sensor";
  const row = await db
    .select({ id: runs.id })
    .from(runs)
    .innerJoin(
      runTags,
      and(eq(runTags.runId, runs.id), eq(runTags.key, "flightdeck/run_key"), eq(runTags.value, runKey)),
    )
    .where(
      and(
        eq(runs.location, location),
        sql`EXISTS (SELECT 1 FROM run_tags s WHERE s.run_id = ${runs.id} AND s.key = ${instigatorTag} AND s.value = ${name})`,
      ),
    )
    .limit(1)
    .get();
  return row?.id ?? null;
}
