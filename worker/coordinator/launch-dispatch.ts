/**
 * The D1 side of a launch the run coordinator Durable Object carries out: the conditional
 * QUEUED → STARTING transition that guards every launch (a run canceled meanwhile, or already
 * claimed before an object restart, changes no row and is never launched), the launch request
 * through the HTTP run launcher, and the writes that follow its outcome. Every status change is a
 * conditional write with its event in the same batch (DESIGN.md §2).
 */
import { and, eq } from "drizzle-orm";
import type { Run } from "../../protocol";
import { issueRunToken } from "../auth/run-token";
import type { RunLauncher } from "../launcher/run-launcher";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";
import type { BatchStatement, Database } from "../storage/db";
import { runBatch } from "../storage/db";
import {
  appendControlPlaneEvent,
  controlPlaneEventStatement,
  eventIfPreviousChangedStatement,
} from "../storage/event-log-repo";
import {
  insertRunStatements,
  runTransitionStatement,
  saveLaunchHandle,
  toRun,
  transitionRun,
} from "../storage/runs-repo";
import { runs } from "../storage/schema";

export type LaunchAttemptResult =
  /** The run was not QUEUED (first attempt) or not STARTING (a retry): someone else decided; do nothing. */
  | { kind: "not_ours"; status: Run["status"] | null }
  | { kind: "launched"; run: Run }
  | { kind: "failed"; run: Run; reason: string };

type LaunchContext = { db: Database; launcher: RunLauncher; now: () => number };

/**
 * A run the object admitted in the same call that submitted it, not yet in D1: the first attempt
 * stores it QUEUED and claims it STARTING in one batch (the state machine still sees both steps,
 * and the conditional write still guards the launch), then launches it at `endpoint` without
 * reading the run or the location again. `onClaimed` is called once that batch is written.
 */
export type FreshRun = { run: Run; endpoint: CodeLocationEndpoint | null; onClaimed: () => void };

/** A new run's insert (QUEUED) and its RUN_ENQUEUED event, for one batch. */
export function queuedRunStatements(db: Database, run: Run): BatchStatement[] {
  return [
    ...insertRunStatements(db, { ...run, status: "QUEUED" }),
    controlPlaneEventStatement(db, {
      runId: run.id,
      attempt: run.attempt,
      type: "RUN_ENQUEUED",
      ts: run.created_at,
      level: "INFO",
      message: `Queued with priority ${run.priority}.`,
    }),
  ];
}

function rowOf(result: unknown): Run | null {
  const row = Array.isArray(result) ? (result[0] as typeof runs.$inferSelect | undefined) : undefined;
  return row ? toRun(row) : null;
}

/**
 * Attempt `attempt` (1 = first) of launching a run. The first claims the run QUEUED → STARTING and
 * logs RUN_DEQUEUED and RUN_STARTING; a retry issues a fresh run token, only while still STARTING.
 */
export async function attemptLaunch(
  ctx: LaunchContext,
  input: { runId: string; attempt: number; eventsUrl: string; queuedAt: number | null; fresh?: FreshRun },
): Promise<LaunchAttemptResult> {
  const { db, launcher } = ctx;
  const { token, hash } = await issueRunToken();
  const now = ctx.now();
  const runId = input.runId;
  const read = db.select().from(runs).where(eq(runs.id, runId));
  let claimed: Run | null;
  const fresh = input.attempt === 1 ? input.fresh : undefined;
  if (input.attempt === 1) {
    const waited = input.queuedAt === null ? "" : ` after ${Math.max(0, now - input.queuedAt)} ms in the queue`;
    const results = await runBatch(db, [
      ...(fresh ? queuedRunStatements(db, fresh.run) : []),
      runTransitionStatement(db, { runId, to: "STARTING", from: ["QUEUED"], now, runTokenHash: hash }),
      eventIfPreviousChangedStatement(db, {
        runId,
        attempt: 1,
        type: "RUN_DEQUEUED",
        ts: now,
        level: "INFO",
        message: `Admitted by the run coordinator${waited}.`,
      }),
      eventIfPreviousChangedStatement(db, {
        runId,
        attempt: 1,
        type: "RUN_STARTING",
        ts: now,
        level: "INFO",
        message: "Launching run worker.",
      }),
      ...(fresh ? [] : [read]),
    ]);
    const first = fresh ? queuedRunStatements(db, fresh.run).length : 0;
    const changed = results[first];
    const run = fresh ? { ...fresh.run, status: "STARTING" as const, updated_at: now } : rowOf(results[first + 3]);
    if (!(Array.isArray(changed) && changed.length > 0) || !run)
      return { kind: "not_ours", status: fresh ? null : (run?.status ?? null) };
    claimed = run;
    fresh?.onClaimed();
  } else {
    const results = await runBatch(db, [
      db
        .update(runs)
        .set({ runTokenHash: hash, updatedAt: now })
        .where(and(eq(runs.id, runId), eq(runs.status, "STARTING")))
        .returning({ id: runs.id }),
      read,
    ]);
    const changed = results[0];
    const run = rowOf(results[1]);
    if (!(Array.isArray(changed) && changed.length > 0) || !run)
      return { kind: "not_ours", status: run?.status ?? null };
    claimed = run;
  }
  const outcome = await launcher.launchRun({
    run: claimed,
    runToken: token,
    eventsUrl: input.eventsUrl,
    endpoint: fresh?.endpoint,
  });
  if (!outcome.ok) return { kind: "failed", run: claimed, reason: outcome.reason };
  const saved =
    outcome.handle === null ? null : await saveLaunchHandle(db, runId, claimed.attempt, outcome.handle, ctx.now());
  return { kind: "launched", run: saved ?? claimed };
}

export async function logLaunchRetry(db: Database, run: Run, reason: string, attempt: number, at: number, now: number) {
  await appendControlPlaneEvent(db, {
    runId: run.id,
    attempt: run.attempt,
    type: "ENGINE_EVENT",
    ts: now,
    level: "WARNING",
    message: `Launch attempt ${attempt - 1} failed: ${reason}. Retrying in ${Math.round((at - now) / 1000)} s (attempt ${attempt}).`,
    data: { reason, next_attempt: attempt, retry_at: at },
  });
}

/** Out of retries: FAILURE with the reason in the log (from STARTING, or CANCELING if a terminate came meanwhile). */
export async function failLaunch(db: Database, run: Run, reason: string, attempts: number, now: number): Promise<void> {
  const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
  await transitionRun(
    db,
    { runId: run.id, to: "FAILURE", from: ["STARTING", "CANCELING"], attempt: run.attempt, now, endedAt: now },
    {
      runId: run.id,
      attempt: run.attempt,
      type: "ENGINE_EVENT",
      ts: now,
      level: "ERROR",
      message: `Run launch failed${tries}: ${reason}`,
      data: { reason, attempts },
    },
  );
}

/** A terminate arrived while a launch retry was pending: no run worker exists, so the run is simply CANCELED. */
export async function cancelBeforeRetry(db: Database, run: Pick<Run, "id" | "attempt">, now: number): Promise<void> {
  await transitionRun(
    db,
    { runId: run.id, to: "CANCELED", from: ["CANCELING"], attempt: run.attempt, now, endedAt: now },
    {
      runId: run.id,
      attempt: run.attempt,
      type: "RUN_CANCELED",
      ts: now,
      level: "INFO",
      message: "Canceled while its launch was waiting to be retried; no run worker was started.",
    },
  );
}
