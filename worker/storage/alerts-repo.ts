/**
 * Alert policies and their delivery log in D1. A delivery row is inserted with ON CONFLICT DO
 * NOTHING on (policy, dedupe key), so raising the same alert twice stores — and sends — it once.
 */
import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { AlertDelivery, AlertDeliveryStatus, AlertPolicy, AlertPolicySettings, Run } from "../../protocol";
import type { Database } from "./db";
import { runBatch } from "./db";
import type { AuditEntry } from "./instance-overrides-repo";
import { auditStatement } from "./instance-overrides-repo";
import { toRun } from "./runs-repo";
import type { AlertDeliveryRow, AlertPolicyRow } from "./schema";
import { alertDeliveries, alertPolicies, runRetries, runs } from "./schema";

function toPolicy(row: AlertPolicyRow): AlertPolicy {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    events: row.events,
    skip_if_will_retry: row.skipIfWillRetry,
    long_running_minutes: row.longRunningMinutes,
    long_queued_minutes: row.longQueuedMinutes,
    filters: row.filters,
    destination: row.destination,
    secret: row.secret,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

function settingsColumns(settings: AlertPolicySettings) {
  return {
    name: settings.name,
    enabled: settings.enabled,
    events: settings.events,
    skipIfWillRetry: settings.skip_if_will_retry,
    longRunningMinutes: settings.long_running_minutes,
    longQueuedMinutes: settings.long_queued_minutes,
    filters: settings.filters,
    destination: settings.destination,
  };
}

export async function listAlertPolicies(db: Database): Promise<AlertPolicy[]> {
  const rows = await db.select().from(alertPolicies).orderBy(alertPolicies.name);
  return rows.map(toPolicy);
}

export async function getAlertPolicy(db: Database, id: string): Promise<AlertPolicy | null> {
  const row = await db.select().from(alertPolicies).where(eq(alertPolicies.id, id)).get();
  return row ? toPolicy(row) : null;
}

export async function alertPolicyNameTaken(db: Database, name: string, exceptId: string | null): Promise<boolean> {
  const row = await db.select({ id: alertPolicies.id }).from(alertPolicies).where(eq(alertPolicies.name, name)).get();
  return row !== undefined && row.id !== exceptId;
}

type PolicyWrite = { id: string; settings: AlertPolicySettings; secret: string | null; now: number };

/** Inserts a policy and its audit row in one batch: a change is never applied unrecorded. */
export async function insertAlertPolicy(db: Database, policy: PolicyWrite, audit: AuditEntry): Promise<void> {
  await runBatch(db, [
    db.insert(alertPolicies).values({
      id: policy.id,
      ...settingsColumns(policy.settings),
      secret: policy.secret,
      createdAt: policy.now,
      updatedAt: policy.now,
    }),
    auditStatement(db, audit),
  ]);
}

/** Replaces a policy's settings and secret, with its audit row; false when it does not exist. */
export async function updateAlertPolicy(db: Database, policy: PolicyWrite, audit: AuditEntry): Promise<boolean> {
  const [updated] = (await runBatch(db, [
    db
      .update(alertPolicies)
      .set({ ...settingsColumns(policy.settings), secret: policy.secret, updatedAt: policy.now })
      .where(eq(alertPolicies.id, policy.id))
      .returning({ id: alertPolicies.id }),
    auditStatement(db, audit),
  ])) as [{ id: string }[], unknown];
  return updated.length > 0;
}

/** Deletes a policy (its delivery log with it), with its audit row; false when it does not exist. */
export async function deleteAlertPolicy(db: Database, id: string, audit: AuditEntry): Promise<boolean> {
  const [deleted] = (await runBatch(db, [
    db.delete(alertPolicies).where(eq(alertPolicies.id, id)).returning({ id: alertPolicies.id }),
    auditStatement(db, audit),
  ])) as [{ id: string }[], unknown];
  return deleted.length > 0;
}

export type NewDelivery = {
  id: string;
  policyId: string;
  dedupeKey: string;
  event: AlertDelivery["event"];
  summary: string;
  runId: string | null;
  body: string;
};

/** Inserts the deliveries not raised before; returns the ids of those actually inserted. */
export async function claimDeliveries(
  db: Database,
  deliveries: readonly NewDelivery[],
  now: number,
): Promise<string[]> {
  const statements = deliveries.map((d) =>
    db
      .insert(alertDeliveries)
      .values({ ...d, status: "PENDING", attempts: 0, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: [alertDeliveries.policyId, alertDeliveries.dedupeKey] })
      .returning({ id: alertDeliveries.id }),
  );
  const results = (await runBatch(db, statements)) as { id: string }[][];
  return results.flat().map((r) => r.id);
}

function toDelivery(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: row.id,
    policy_id: row.policyId,
    event: row.event,
    summary: row.summary,
    run_id: row.runId,
    status: row.status,
    attempts: row.attempts,
    response_code: row.responseCode,
    last_error: row.lastError,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    delivered_at: row.deliveredAt,
  };
}

/** A policy's deliveries, newest first, paged by `before` (a created_at and id pair). */
export async function listDeliveries(
  db: Database,
  policyId: string,
  opts: { limit: number; before?: { createdAt: number; id: string } },
): Promise<AlertDelivery[]> {
  const before = opts.before;
  const rows = await db
    .select()
    .from(alertDeliveries)
    .where(
      and(
        eq(alertDeliveries.policyId, policyId),
        before
          ? or(
              lt(alertDeliveries.createdAt, before.createdAt),
              and(eq(alertDeliveries.createdAt, before.createdAt), lt(alertDeliveries.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(opts.limit);
  return rows.map(toDelivery);
}

export async function getDelivery(db: Database, id: string): Promise<AlertDelivery | null> {
  const row = await db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id)).get();
  return row ? toDelivery(row) : null;
}

/** What the consumer needs to send one delivery: its body and its policy's destination and secret. */
export async function getDeliveryToSend(db: Database, id: string) {
  const row = await db
    .select({
      id: alertDeliveries.id,
      status: alertDeliveries.status,
      body: alertDeliveries.body,
      destination: alertPolicies.destination,
      secret: alertPolicies.secret,
    })
    .from(alertDeliveries)
    .innerJoin(alertPolicies, eq(alertPolicies.id, alertDeliveries.policyId))
    .where(eq(alertDeliveries.id, id))
    .get();
  return row ?? null;
}

export type AttemptOutcome = {
  status: AlertDeliveryStatus;
  responseCode: number | null;
  error: string | null;
  now: number;
};

/** Counts one attempt and records how it went. */
export async function recordAttempt(db: Database, id: string, outcome: AttemptOutcome): Promise<void> {
  await db
    .update(alertDeliveries)
    .set({
      status: outcome.status,
      attempts: sql`${alertDeliveries.attempts} + 1`,
      responseCode: outcome.responseCode,
      lastError: outcome.error,
      updatedAt: outcome.now,
      ...(outcome.status === "DELIVERED" ? { deliveredAt: outcome.now } : {}),
    })
    .where(eq(alertDeliveries.id, id));
}

/** The dead-letter queue's verdict: out of retries. A delivery that got through meanwhile stays DELIVERED. */
export async function markDeliveriesDead(db: Database, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(alertDeliveries)
    .set({ status: "DEAD", updatedAt: now })
    .where(and(inArray(alertDeliveries.id, [...ids]), inArray(alertDeliveries.status, ["PENDING", "RETRYING"])));
}

/** "Send again": back to PENDING, to be queued with the same id. False when there is no such delivery. */
export async function resetDelivery(db: Database, id: string, now: number): Promise<boolean> {
  const done = await db
    .update(alertDeliveries)
    .set({ status: "PENDING", updatedAt: now })
    .where(eq(alertDeliveries.id, id))
    .returning({ id: alertDeliveries.id });
  return done.length > 0;
}

const OVERDUE_SCAN_LIMIT = 500;

/**
 * Runs that may be overdue at `now`: running since before `runningBefore`, or queued since before
 * `queuedBefore` (null: not asked). Oldest first, so a backlog is worked off in order.
 */
export async function listOverdueCandidates(
  db: Database,
  opts: { runningBefore: number | null; queuedBefore: number | null },
): Promise<Run[]> {
  const found: Run[] = [];
  if (opts.runningBefore !== null) {
    const rows = await db
      .select()
      .from(runs)
      .where(and(inArray(runs.status, ["STARTED", "CANCELING"]), lt(runs.startedAt, opts.runningBefore)))
      .orderBy(runs.startedAt)
      .limit(OVERDUE_SCAN_LIMIT);
    found.push(...rows.map(toRun));
  }
  if (opts.queuedBefore !== null) {
    const rows = await db
      .select()
      .from(runs)
      .where(and(eq(runs.status, "QUEUED"), lt(runs.createdAt, opts.queuedBefore)))
      .orderBy(runs.createdAt)
      .limit(OVERDUE_SCAN_LIMIT);
    found.push(...rows.map(toRun));
  }
  return found;
}

/** Deliveries claimed but never tried, last touched before `before`: their queue send was lost. */
export async function listStrandedDeliveries(db: Database, before: number): Promise<string[]> {
  const rows = await db
    .select({ id: alertDeliveries.id })
    .from(alertDeliveries)
    .where(
      and(
        eq(alertDeliveries.status, "PENDING"),
        eq(alertDeliveries.attempts, 0),
        lt(alertDeliveries.updatedAt, before),
      ),
    )
    .limit(OVERDUE_SCAN_LIMIT);
  return rows.map((r) => r.id);
}

export async function touchDeliveries(db: Database, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(alertDeliveries)
    .set({ updatedAt: now })
    .where(inArray(alertDeliveries.id, [...ids]));
}

/** What run retries decided about a failed run (RETRY, NO_RETRY, ERROR), or null while undecided. */
export async function readRetryDecision(db: Database, failedRunId: string) {
  const row = await db
    .select({ decision: runRetries.decision })
    .from(runRetries)
    .where(eq(runRetries.failedRunId, failedRunId))
    .get();
  return row?.decision ?? null;
}
