/**
 * Sensor storage (Dagster's instigator state and sensor ticks). An evaluation is claimed by a
 * conditional update of `last_tick_at` (only when the minimum interval has passed), so two
 * overlapping daemon passes evaluate a sensor once; the cursor moves only with a successful tick.
 */
import { and, asc, desc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { InstigatorStatus, Run, SensorTick, TickStatus } from "../../protocol";
import type { Database } from "./db";
import { stateKey } from "./instigator-state-key";
import { toRun } from "./runs-repo";
import { runs } from "./schema";
import type { SensorTickRow } from "./schema-daemon";
import { sensorState, sensorTicks } from "./schema-daemon";

export type SensorStateRow = typeof sensorState.$inferSelect;

export async function listSensorStates(db: Database): Promise<Map<string, SensorStateRow>> {
  const rows = await db.select().from(sensorState);
  return new Map(rows.map((r) => [stateKey(r.location, r.name), r]));
}

export async function ensureSensorState(db: Database, location: string, name: string, now: number): Promise<void> {
  await db
    .insert(sensorState)
    .values({ location, name, status: null, cursor: null, lastTickAt: null, updatedAt: now })
    .onConflictDoNothing();
}

export async function setSensorStatus(
  db: Database,
  location: string,
  name: string,
  status: InstigatorStatus,
  now: number,
) {
  await db
    .insert(sensorState)
    .values({ location, name, status, cursor: null, lastTickAt: null, updatedAt: now })
    .onConflictDoUpdate({ target: [sensorState.location, sensorState.name], set: { status, updatedAt: now } });
}

/**
 * Claims one evaluation: sets last_tick_at to now if the last one is at least `intervalMs` old.
 * Returns the previous last_tick_at (null the first time), or undefined when not claimed.
 */
export async function claimSensorEvaluation(
  db: Database,
  location: string,
  name: string,
  intervalMs: number,
  now: number,
): Promise<{ previous: number | null } | undefined> {
  const before = await db
    .select({ lastTickAt: sensorState.lastTickAt })
    .from(sensorState)
    .where(and(eq(sensorState.location, location), eq(sensorState.name, name)))
    .get();
  if (!before) return undefined;
  const rows = await db
    .update(sensorState)
    .set({ lastTickAt: now, updatedAt: now })
    .where(
      and(
        eq(sensorState.location, location),
        eq(sensorState.name, name),
        before.lastTickAt === null ? isNull(sensorState.lastTickAt) : eq(sensorState.lastTickAt, before.lastTickAt),
        or(isNull(sensorState.lastTickAt), lte(sensorState.lastTickAt, now - intervalMs)),
      ),
    )
    .returning({ name: sensorState.name });
  return rows.length > 0 ? { previous: before.lastTickAt } : undefined;
}

export async function saveSensorCursor(
  db: Database,
  location: string,
  name: string,
  cursor: string | null,
  now: number,
) {
  await db
    .update(sensorState)
    .set({ cursor, updatedAt: now })
    .where(and(eq(sensorState.location, location), eq(sensorState.name, name)));
}

/** An operator's cursor (Dagster's `dagster sensor cursor --set/--delete`): null resets it. */
export async function setSensorCursor(
  db: Database,
  location: string,
  name: string,
  cursor: string | null,
  now: number,
): Promise<void> {
  await db
    .insert(sensorState)
    .values({ location, name, status: null, cursor, lastTickAt: null, updatedAt: now })
    .onConflictDoUpdate({ target: [sensorState.location, sensorState.name], set: { cursor, updatedAt: now } });
}

export async function startSensorTick(db: Database, location: string, name: string, now: number): Promise<number> {
  const [row] = await db
    .insert(sensorTicks)
    .values({ location, name, status: "STARTED", runIds: [], startedAt: now })
    .returning({ id: sensorTicks.id });
  if (!row) throw new Error("inserting a sensor tick returned no row");
  return row.id;
}

export async function finishSensorTick(
  db: Database,
  id: number,
  outcome: {
    status: TickStatus;
    runIds: string[];
    skipReason?: string | null;
    error?: string | null;
    cursor?: string | null;
  },
  now: number,
) {
  await db
    .update(sensorTicks)
    .set({
      status: outcome.status,
      runIds: outcome.runIds,
      skipReason: outcome.skipReason ?? null,
      error: outcome.error ?? null,
      cursor: outcome.cursor ?? null,
      endedAt: now,
    })
    .where(eq(sensorTicks.id, id));
}

export function toSensorTick(row: SensorTickRow): SensorTick {
  return {
    id: row.id,
    location: row.location,
    sensor: row.name,
    status: row.status,
    run_ids: row.runIds,
    skip_reason: row.skipReason,
    error: row.error,
    cursor: row.cursor,
    started_at: row.startedAt,
    ended_at: row.endedAt,
  };
}

export async function listSensorTicks(db: Database, location: string, name: string, limit: number) {
  const rows = await db
    .select()
    .from(sensorTicks)
    .where(and(eq(sensorTicks.location, location), eq(sensorTicks.name, name)))
    .orderBy(desc(sensorTicks.id))
    .limit(limit);
  return rows.map(toSensorTick);
}

/** Runs that reached `status` at or after `since` (their updated_at), oldest first: a run status sensor's input. */
export async function listRunsReaching(
  db: Database,
  status: "SUCCESS" | "FAILURE",
  since: number,
  limit: number,
): Promise<Run[]> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(eq(runs.status, status), gt(runs.updatedAt, since - 1)))
    .orderBy(asc(runs.updatedAt), asc(sql`${runs.id}`))
    .limit(limit);
  return rows.map(toRun);
}
