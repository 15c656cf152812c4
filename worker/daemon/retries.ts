/**
 * Run retries' pass (Dagster's auto run reexecution daemon): every failed run not yet decided
 * about gets one decision from retry-policy.ts, claimed by its `run_retries` row before anything
 * is done — so two overlapping `scheduled()` invocations make exactly one retry per failure — and
 * written on the failed run as its `flightdeck/will_retry` and `flightdeck/failure_reason` tags. The
 * retry is a re-execution of the failed run (worker/runs/reexecute-run.ts) with the retry's tags;
 * both runs' logs say what was decided.
 *
 * A RETRY claim names the retry run's id before the run is created. A pass that stopped between
 * the two (the Worker died) leaves a claim whose run does not exist; the next pass finds it and
 * creates that run — Dagster resubmits its NOT_STARTED retry the same way — so a retry is never
 * lost, and since the id was fixed by the claim, never made twice.
 */
import type { Run } from "../../protocol";
import { TAG } from "../../protocol";
import { newRunId } from "../runs/run-id";
import {
  claimRetryDecision,
  listUndecidedFailures,
  listUnfinishedRetries,
  readFailureReason,
  recordRetryError,
} from "../storage/daemon-runs-repo";
import type { Database } from "../storage/db";
import { appendControlPlaneEvent } from "../storage/event-log-repo";
import { getRun } from "../storage/runs-repo";
import type { RetriesConfig, RetryDecision } from "./retry-policy";
import { decideRetry, decisionTags } from "./retry-policy";

/** Failures older than this when retries are first enabled are left alone, as Dagster's cursor does. */
export const RETRY_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

type RetryChoice = Extract<RetryDecision, { kind: "retry" }>;

export type RetryDeps = {
  db: Database;
  now: number;
  config: RetriesConfig;
  /** Creates and submits the retry run with id `runId`; throws when the control plane cannot launch from here. */
  createRetry: (failed: Run, decision: RetryChoice, runId: string) => Promise<Run>;
  /** Told once the decision about a failed run is stored, whatever it was (alerts wait for it). */
  onDecided: (runId: string) => Promise<void>;
};

export type RetryOutcome = { runId: string; decision: RetryDecision["kind"]; retryRunId?: string; error?: string };

export async function retryFailedRuns(deps: RetryDeps): Promise<RetryOutcome[]> {
  if (!deps.config.enabled) return [];
  const outcomes: RetryOutcome[] = [];
  // First the retries an earlier pass decided but never created, then the new failures.
  for (const { failed, retryRunId } of await listUnfinishedRetries(deps.db, BATCH)) {
    await isolated(failed.id, outcomes, () => finishRetry(deps, failed, retryRunId));
  }
  const failed = await listUndecidedFailures(deps.db, deps.now - RETRY_LOOKBACK_MS, BATCH);
  for (const run of failed) {
    await isolated(run.id, outcomes, async () => {
      const outcome = await retryOne(deps, run);
      if (outcome) await deps.onDecided(run.id);
      return outcome;
    });
  }
  return outcomes;
}

async function isolated(
  runId: string,
  outcomes: RetryOutcome[],
  work: () => Promise<RetryOutcome | null>,
): Promise<void> {
  try {
    const outcome = await work();
    if (outcome) outcomes.push(outcome);
  } catch (error) {
    console.error(`run retries: run ${runId} failed:`, error);
    outcomes.push({ runId, decision: "no_retry", error: String(error) });
  }
}

async function retryOne(deps: RetryDeps, run: Run): Promise<RetryOutcome | null> {
  const reason = await readFailureReason(deps.db, run.id);
  const decision = decideRetry(run.tags, reason, deps.config);
  const retryRunId = decision.kind === "retry" ? newRunId(deps.now) : null;
  const claimed = await claimRetryDecision(
    deps.db,
    run.id,
    decision.kind === "retry" ? "RETRY" : "NO_RETRY",
    decision.kind === "retry" ? null : decision.reason,
    deps.now,
    decisionTags(decision, reason),
    retryRunId,
  );
  if (!claimed) return null; // another pass decided
  if (decision.kind === "no_retry") {
    await appendControlPlaneEvent(deps.db, {
      ...eventOf(deps, run),
      level: "INFO",
      message: `Run retries: not retried (${decision.reason}).`,
      data: { retry: "NO_RETRY", failure_reason: reason, reason: decision.reason },
    });
    return { runId: run.id, decision: "no_retry" };
  }
  return createRetry(deps, run, decision, retryRunId ?? newRunId(deps.now), `the run failed with ${reason}`);
}

/** A RETRY claim whose run was never created: the same decision, made again from the failed run's tags, carried out. */
async function finishRetry(deps: RetryDeps, failed: Run, retryRunId: string): Promise<RetryOutcome> {
  const reason = await readFailureReason(deps.db, failed.id);
  const decision = decideRetry(failed.tags, reason, deps.config);
  if (decision.kind === "no_retry") {
    await recordRetryError(deps.db, failed.id, `the retry was decided but never created, and now: ${decision.reason}`);
    return { runId: failed.id, decision: "no_retry" };
  }
  return createRetry(deps, failed, decision, retryRunId, "completing a retry decided by an earlier pass");
}

function eventOf(deps: RetryDeps, run: Run) {
  return { runId: run.id, attempt: run.attempt, type: "ENGINE_EVENT" as const, ts: deps.now };
}

async function createRetry(
  deps: RetryDeps,
  run: Run,
  decision: RetryChoice,
  retryRunId: string,
  why: string,
): Promise<RetryOutcome> {
  const event = eventOf(deps, run);
  try {
    const retry = await deps.createRetry(run, decision, retryRunId);
    await appendControlPlaneEvent(deps.db, {
      ...event,
      level: "INFO",
      message: `Run retries: launched retry ${decision.retryNumber} as run ${retry.id} (${decision.strategy}; ${why}).`,
      data: {
        retry: "RETRY",
        retry_run_id: retry.id,
        retry_number: decision.retryNumber,
        strategy: decision.strategy,
        root_run_id: retry.tags[TAG.rootRunId] ?? run.id,
      },
    });
    return { runId: run.id, decision: "retry", retryRunId: retry.id };
  } catch (error) {
    // An overlapping pass completing the same claim created the run first: that is the one retry.
    if (await getRun(deps.db, retryRunId)) return { runId: run.id, decision: "retry", retryRunId };
    const message = error instanceof Error ? error.message : String(error);
    await recordRetryError(deps.db, run.id, message);
    await appendControlPlaneEvent(deps.db, {
      ...event,
      level: "ERROR",
      message: `Run retries: could not create retry ${decision.retryNumber}: ${message}`,
      data: { retry: "ERROR", reason: message },
    });
    return { runId: run.id, decision: "retry", error: message };
  }
}
