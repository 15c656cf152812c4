/**
 * The D1 side of a launch the run coordinator Durable Object carries out: the conditional
 * QUEUED → STARTING transition that guards every launch (a run canceled meanwhile changes no row
 * and is never launched), the launch request through the HTTP run launcher, and the writes that
 * follow its outcome (launch-outcome.ts): back to QUEUED, or FAILURE. Every status change is a
 * conditional write with its event in the same batch (DESIGN.md §2).
 */
import { eq } from "drizzle-orm";
import type { Run } from "../../protocol";
import { readPriorityTag, TAG } from "../../protocol";
import { formatDuration } from "../../protocol/duration";
import type { IssuedRunToken } from "../auth/run-token";
import type { RunLauncher } from "../launcher/run-launcher";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";
import type { BatchStatement, Database } from "../storage/db";
import { runBatch } from "../storage/db";
import { controlPlaneEventStatement, countRunEvents, eventIfPreviousChangedStatement } from "../storage/event-log-repo";
import {
  insertRunStatements,
  runTransitionStatement,
  saveLaunchHandle,
  toRun,
  transitionRun,
} from "../storage/runs-repo";
import { runs } from "../storage/schema";

/** The claim step of a launch: the run is the object's to launch, with this run token, or someone else decided. */
export type LaunchClaim =
  | { kind: "claimed"; run: Run; token: string }
  /** The run was not QUEUED (nor STARTING, for a launch re-sent after a restart): someone else decided; do nothing. */
  | { kind: "not_ours"; status: Run["status"] | null };

export type LaunchAttemptResult =
  | Extract<LaunchClaim, { kind: "not_ours" }>
  | { kind: "launched"; run: Run }
  | { kind: "failed"; run: Run; reason: string; unreachable: boolean; enqueues: number };

/**
 * One launch the object carries out: a run an admission pass chose, or (`resend`) a launch a
 * restart cut off, sent again with the token it was claimed with (launch-tokens.ts).
 */
export type Launch = { runId: string; eventsUrl: string; queuedAt: number | null; resend?: boolean };

/** The launch of a run an admission pass chose. */
export function launchOf(run: { id: string; eventsUrl: string; enqueuedAt: number }): Launch {
  return { runId: run.id, eventsUrl: run.eventsUrl, queuedAt: run.enqueuedAt };
}

type LaunchContext = { db: Database; launcher: RunLauncher; now: () => number };

/**
 * A run the object admitted in the same call that submitted it, not yet in D1: the first attempt
 * stores it QUEUED and claims it STARTING in one batch (the state machine still sees both steps,
 * and the conditional write still guards the launch), then launches it at `endpoint` without
 * reading the run or the location again.
 */
export type FreshRun = { run: Run; endpoint: CodeLocationEndpoint | null };

/**
 * A new run's insert (QUEUED) and its RUN_ENQUEUED event, for one batch — with a warning first when
 * its priority tag could not be read and counts as 0 (Dagster is silent there; the operator is not).
 */
export function queuedRunStatements(db: Database, run: Run): BatchStatement[] {
  const event = { runId: run.id, attempt: run.attempt, ts: run.created_at };
  const { warning } = readPriorityTag(run.tags[TAG.priority]);
  return [
    ...insertRunStatements(db, { ...run, status: "QUEUED" }),
    ...(warning
      ? [controlPlaneEventStatement(db, { ...event, type: "ENGINE_EVENT", level: "WARNING", message: `${warning}.` })]
      : []),
    controlPlaneEventStatement(db, {
      ...event,
      type: "RUN_ENQUEUED",
      level: "INFO",
      message: `Queued with priority ${run.priority}.`,
    }),
  ];
}

/** Stores a new run QUEUED, with its RUN_ENQUEUED event, in one batch. */
export async function storeQueuedRun(db: Database, run: Run): Promise<void> {
  await runBatch(db, queuedRunStatements(db, run));
}

function rowOf(result: unknown): Run | null {
  const row = Array.isArray(result) ? (result[0] as typeof runs.$inferSelect | undefined) : undefined;
  return row ? toRun(row) : null;
}

/**
 * Claims the launch of a run with run token `token`: moves it QUEUED → STARTING, logging
 * RUN_DEQUEUED and RUN_STARTING (a `fresh` run is stored in the same batch). A `resend` (the same
 * launch after a restart, with the token it was claimed with) also finds the run STARTING, when
 * that claim had landed: it is still the object's to launch, and nothing in D1 changes.
 */
export async function claimLaunch(
  ctx: LaunchContext,
  input: Launch & { fresh?: Run; token: IssuedRunToken },
): Promise<LaunchClaim> {
  const { db } = ctx;
  const { token, hash } = input.token;
  const now = ctx.now();
  const runId = input.runId;
  const fresh = input.fresh;
  const waited =
    input.queuedAt === null ? "" : ` after ${formatDuration(Math.max(0, now - input.queuedAt))} in the queue`;
  const stored = fresh ? queuedRunStatements(db, fresh) : [];
  const results = await runBatch(db, [
    ...stored,
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
    ...(fresh ? [] : [db.select().from(runs).where(eq(runs.id, runId))]),
  ]);
  const changed = results[stored.length];
  const run = fresh ? { ...fresh, status: "STARTING" as const, updated_at: now } : rowOf(results[stored.length + 3]);
  if (Array.isArray(changed) && changed.length > 0 && run) return { kind: "claimed", run, token };
  if (input.resend && run?.status === "STARTING") return { kind: "claimed", run, token };
  return { kind: "not_ours", status: fresh ? null : (run?.status ?? null) };
}

/** Sends the launch request of a claimed run (at `endpoint` when known) and saves the handle the server gave. */
export async function launchClaimed(
  ctx: LaunchContext,
  claimed: Extract<LaunchClaim, { kind: "claimed" }>,
  eventsUrl: string,
  endpoint?: CodeLocationEndpoint | null,
): Promise<LaunchAttemptResult> {
  const { run, token } = claimed;
  const outcome = await ctx.launcher.launchRun({ run, runToken: token, eventsUrl, endpoint });
  if (!outcome.ok) {
    const unreachable = outcome.unreachable === true;
    // Only an unreachable server may send the run back to the queue, and its RUN_ENQUEUED events count the tries.
    const enqueues = unreachable ? await countRunEvents(ctx.db, run.id, "RUN_ENQUEUED") : 1;
    return { kind: "failed", run, reason: outcome.reason, unreachable, enqueues };
  }
  const saved =
    outcome.handle === null
      ? null
      : await saveLaunchHandle(ctx.db, run.id, run.attempt, outcome.handle, ctx.now(), outcome.agent);
  return { kind: "launched", run: saved ?? run };
}

/** A queued run removed from the queue: CANCELED (only if still QUEUED in D1); whether it was. */
export async function cancelQueuedRun(db: Database, runId: string, now: number): Promise<boolean> {
  return transitionRun(
    db,
    { runId, to: "CANCELED", from: ["QUEUED"], now, endedAt: now },
    {
      runId,
      attempt: 1,
      type: "RUN_CANCELED",
      ts: now,
      level: "INFO",
      message: "Removed from the queue and canceled; it never started.",
    },
  );
}

/**
 * A launch that could not reach its code location server: STARTING → QUEUED, with what happened
 * and a new RUN_ENQUEUED event (Dagster re-submits the run the same way; the count of these events
 * is the count of tries). Whether it was (a terminate may have come meanwhile).
 */
export async function requeueRun(db: Database, run: Run, message: string, now: number): Promise<boolean> {
  const event = { runId: run.id, attempt: run.attempt, ts: now };
  const [changed] = await runBatch(db, [
    runTransitionStatement(db, { runId: run.id, to: "QUEUED", from: ["STARTING"], attempt: run.attempt, now }),
    eventIfPreviousChangedStatement(db, { ...event, type: "ENGINE_EVENT", level: "WARNING", message }),
    eventIfPreviousChangedStatement(db, {
      ...event,
      type: "RUN_ENQUEUED",
      level: "INFO",
      message: `Queued again with priority ${run.priority}, in its place.`,
    }),
  ]);
  return Array.isArray(changed) && changed.length > 0;
}

/** A launch that failed for good: FAILURE with the reason in the log (from STARTING, or CANCELING if a terminate came meanwhile). */
export async function failLaunch(db: Database, run: Run, message: string, now: number): Promise<void> {
  await transitionRun(
    db,
    { runId: run.id, to: "FAILURE", from: ["STARTING", "CANCELING"], attempt: run.attempt, now, endedAt: now },
    {
      runId: run.id,
      attempt: run.attempt,
      type: "ENGINE_EVENT",
      ts: now,
      level: "ERROR",
      message,
    },
  );
}
