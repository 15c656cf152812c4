/**
 * The event log's storage (Dagster's event log storage): run workers' events, stored once per
 * (run, attempt, seq) however often they are delivered, and the control plane's own events
 * (seq null). Everything here returns batch statements so callers write events in the same
 * `db.batch()` as the status change they describe.
 */
import { and, asc, count, desc, eq, gt, inArray, lt, ne, type SQL, sql } from "drizzle-orm";
import type { EventListQuery, EventType, JsonObject, LogLevel, RunWorkerEvent, StoredEvent } from "../../protocol";
import { MAX_NOTABLE_EVENTS, NOTABLE_EVENT_TYPES, STEP_LIFECYCLE_TYPES } from "../../protocol";
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

export type EventPage = { events: StoredEvent[]; matched?: number; older?: number };

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The log viewer's filters as SQL (level, step, heartbeats, text), beside `run_id = ?`. */
function filterConditions(runId: string, q: EventListQuery): SQL[] {
  const where: SQL[] = [eq(eventLog.runId, runId)];
  if (q.step !== undefined) where.push(eq(eventLog.stepKey, q.step));
  if (q.levels !== undefined) where.push(inArray(eventLog.level, q.levels));
  if (q.heartbeats === "false") where.push(ne(eventLog.type, "HEARTBEAT"));
  if (q.q !== undefined) {
    // SQLite's LIKE is case-insensitive for ASCII, as the old client-side filter was.
    const pattern = `%${likeLiteral(q.q)}%`;
    where.push(
      sql`(${eventLog.type} || ' ' || coalesce(${eventLog.stepKey}, '') || ' ' || coalesce(${eventLog.message}, '') || ' ' || coalesce(${eventLog.data}, '')) LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  return where;
}

/**
 * One page of a run's log, keyset-paged by id (EventListQuery says how): each read touches only
 * the page's rows through the (run_id, id) index, however long the log — which is what lets the
 * run page of a 10,000-event run open without reading them all. Returned oldest first.
 */
export async function listRunEventsPage(db: Database, runId: string, q: EventListQuery): Promise<EventPage> {
  const filters = filterConditions(runId, q);
  const window = [...filters, gt(eventLog.id, q.after)];
  if (q.before !== undefined) window.push(lt(eventLog.id, q.before));
  const newestFirst = q.before !== undefined || q.tail === "true";
  const rows = await db
    .select()
    .from(eventLog)
    .where(and(...window))
    .orderBy(newestFirst ? desc(eventLog.id) : asc(eventLog.id))
    .limit(q.limit);
  if (newestFirst) rows.reverse();
  const events = rows.map(toStoredEvent);
  if (q.counts !== "true") return { events };
  const first = events[0];
  const [matched, older] = await Promise.all([
    db
      .select({ n: count() })
      .from(eventLog)
      .where(and(...filters))
      .get(),
    first === undefined
      ? Promise.resolve(undefined)
      : db
          .select({ n: count() })
          .from(eventLog)
          .where(and(...filters, lt(eventLog.id, first.id)))
          .get(),
  ]);
  const total = matched?.n ?? 0;
  // An empty page past the end sits after everything that matched.
  return { events, matched: total, older: first === undefined ? (newestFirst ? 0 : total) : (older?.n ?? 0) };
}

/**
 * What the run page draws outside the log, read from the step lifecycle and notable events alone
 * (a handful per step), never the LOG lines between them: the rows for the step Gantt chart and
 * the failures and daemon decisions, plus the log's length.
 */
export async function readStepEvents(
  db: Database,
  runId: string,
): Promise<{ lifecycle: StoredEvent[]; notable: StoredEvent[]; eventCount: number }> {
  const [lifecycle, notable, total] = await Promise.all([
    db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.runId, runId), inArray(eventLog.type, [...STEP_LIFECYCLE_TYPES])))
      .orderBy(asc(eventLog.id)),
    db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.runId, runId), inArray(eventLog.type, [...NOTABLE_EVENT_TYPES])))
      .orderBy(desc(eventLog.id))
      .limit(MAX_NOTABLE_EVENTS),
    db.select({ n: count() }).from(eventLog).where(eq(eventLog.runId, runId)).get(),
  ]);
  return {
    lifecycle: lifecycle.map(toStoredEvent),
    notable: notable.reverse().map(toStoredEvent),
    eventCount: total?.n ?? 0,
  };
}
