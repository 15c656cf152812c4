/**
 * The event log's storage (Dagster's event log storage): run workers' events, stored once per
 * (run, attempt, seq) however often they are delivered, and the control plane's own events
 * (seq null). Everything here returns batch statements so callers write events in the same
 * `db.batch()` as the status change they describe.
 */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { EventType, JsonObject, LogLevel, RunWorkerEvent, StoredEvent } from "../../protocol";
import { chunkForBoundParameters } from "./d1-limits";
import type { BatchStatement, Database } from "./db";
import type { EventLogRow, NewEventLogRow } from "./schema";
import { eventLog } from "./schema";

/** An event the control plane writes about a run: RUN_STARTING, RUN_CANCELING, ENGINE_EVENT... */
export type ControlPlaneEvent = {
  runId: string;
  attempt: number;
  type: EventType;
  ts: number;
  level: LogLevel;
  message: string;
  data?: JsonObject;
};

/** The level an event gets when its sender gave none: failures are errors, the rest is info. */
export function defaultLevelFor(type: EventType): LogLevel {
  return type === "RUN_FAILURE" || type === "STEP_FAILURE" ? "ERROR" : "INFO";
}

// run_id, attempt, seq, type, ts, step_key, level, message, data: at most 9 bound per row.
const PARAMS_PER_EVENT_ROW = 9;

export function runWorkerEventStatements(
  db: Database,
  runId: string,
  attempt: number,
  events: readonly RunWorkerEvent[],
): BatchStatement[] {
  const rows: NewEventLogRow[] = events.map((e) => ({
    runId,
    attempt,
    seq: e.seq,
    type: e.type,
    ts: e.ts,
    stepKey: e.step_key ?? null,
    level: e.level ?? defaultLevelFor(e.type),
    message: e.message ?? null,
    data: e.data ?? null,
  }));
  return chunkForBoundParameters(rows, PARAMS_PER_EVENT_ROW).map((chunk) =>
    db.insert(eventLog).values(chunk).onConflictDoNothing(),
  );
}

export function controlPlaneEventStatement(db: Database, event: ControlPlaneEvent): BatchStatement {
  return db.insert(eventLog).values({ ...event, seq: null, stepKey: null, data: event.data ?? null });
}

/** Writes one control-plane event on its own (when there is no status change to pair it with). */
export async function appendControlPlaneEvent(db: Database, event: ControlPlaneEvent): Promise<void> {
  await db.insert(eventLog).values({ ...event, seq: null, stepKey: null, data: event.data ?? null });
}

/**
 * Inserts the event only if the statement just before it in the same batch changed a row.
 * SQLite's changes() reports the last INSERT/UPDATE/DELETE on the connection, and a D1 batch runs
 * its statements in order on one connection, so placed right after a conditional status write
 * this logs the transition exactly when it happened — never for a writer that lost the race.
 */
export function eventIfPreviousChangedStatement(db: Database, event: ControlPlaneEvent): BatchStatement {
  const data = event.data === undefined ? null : JSON.stringify(event.data);
  // Columns in the table's order (drizzle's INSERT ... SELECT lists them all): id is assigned.
  return db
    .insert(eventLog)
    .select(
      sql`SELECT NULL, ${event.runId}, ${event.attempt}, NULL, ${event.type}, ${event.ts}, NULL, ${event.level}, ${event.message}, ${data} WHERE changes() > 0`,
    );
}

export function toStoredEvent(row: EventLogRow): StoredEvent {
  return {
    id: row.id,
    run_id: row.runId,
    attempt: row.attempt,
    seq: row.seq,
    type: row.type,
    ts: row.ts,
    step_key: row.stepKey,
    level: row.level,
    message: row.message,
    data: row.data,
  };
}

/** How many events of `type` a run has (Dagster counts a run's PIPELINE_ENQUEUED events to know its re-queues). */
export async function countRunEvents(db: Database, runId: string, type: EventType): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(eventLog)
    .where(and(eq(eventLog.runId, runId), eq(eventLog.type, type)))
    .get();
  return Number(row?.n ?? 0);
}

/** A run's events with id > `after`, oldest first. */
export async function listRunEvents(db: Database, runId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .select()
    .from(eventLog)
    .where(and(eq(eventLog.runId, runId), gt(eventLog.id, after)))
    .orderBy(asc(eventLog.id))
    .limit(limit);
  return rows.map(toStoredEvent);
}
