/**
 * Run retries' pass (Dagster's auto run reexecution daemon): every failed run not yet decided
 * about gets one decision from retry-policy.ts, claimed by its `run_retries` row before anything
 * is done — so two overlapping `scheduled()` invocations make exactly one retry per failure — and
 * written on the failed run as its `flightdeck/will_retry` and `flightdeck/failure_reason` tags. The
 * retry is a re-execution of the failed run (worker/runs/reexecute-run.ts) with the retry's tags;
 * both runs' logs say what was decided.
 */
import type { Run } from "../../protocol";
import { TAG } from "../../protocol";
import {
  claimRetryDecision,
  listUndecidedFailures,
  readFailureReason,
  recordRetryOutcome,
} from "../storage/daemon-runs-repo";
import type { Database } from "../storage/db";
import { appendControlPlaneEvent } from "../storage/event-log-repo";
import type { RetriesConfig, RetryDecision } from "./retry-policy";
import { decideRetry, decisionTags } from "./retry-policy";

/** Failures older than this when retries are first enabled are left alone, as Dagster's cursor does. */
export const RETRY_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

export type RetryDeps = {
  db: Database;
  now: number;
  config: RetriesConfig;
  /** Creates and submits the retry run; null when the control plane cannot launch from here. */
  createRetry: (failed: Run, decision: Extract<RetryDecision, { kind: "retry" }>) => Promise<Run>;
  /** Told once the decision about a failed run is stored, whatever it was (alerts wait for it). */
  onDecided: (runId: string) => Promise<void>;
};

export type RetryOutcome = { runId: string; decision: RetryDecision["kind"]; retryRunId?: string; error?: string };

export async function retryFailedRuns(deps: RetryDeps): Promise<RetryOutcome[]> {
  if (!deps.config.enabled) return [];
  const failed = await listUndecidedFailures(deps.db, deps.now - RETRY_LOOKBACK_MS, BATCH);
  const outcomes: RetryOutcome[] = [];
  for (const run of failed) {
    try {
      const outcome = await retryOne(deps, run);
      if (outcome) {
        outcomes.push(outcome);
        await deps.onDecided(run.id);
      }
    } catch (error) {
      console.error(`run retries: run ${run.id} failed:`, error);
      outcomes.push({ runId: run.id, decision: "no_retry", error: String(error) });
    }
  }
  return outcomes;
}

async function retryOne(deps: RetryDeps, run: Run): Promise<RetryOutcome | null> {
  const reason = await readFailureReason(deps.db, run.id);
  const decision = decideRetry(run.tags, reason, deps.config);
  const claimed = await claimRetryDecision(
    deps.db,
    run.id,
    decision.kind === "retry" ? "RETRY" : "NO_RETRY",
    decision.kind === "retry" ? null : decision.reason,
    deps.now,
    decisionTags(decision, reason),
  );
  if (!claimed) return null; // another pass decided
  const event = { runId: run.id, attempt: run.attempt, type: "ENGINE_EVENT" as const, ts: deps.now };
  if (decision.kind === "no_retry") {
    await appendControlPlaneEvent(deps.db, {
      ...event,
      level: "INFO",
      message: `Run retries: not retried (${decision.reason}).`,
      data: { retry: "NO_RETRY", failure_reason: reason, reason: decision.reason },
    });
    return { runId: run.id, decision: "no_retry" };
  }
  try {
    const retry = await deps.createRetry(run, decision);
    await recordRetryOutcome(deps.db, run.id, { retryRunId: retry.id });
    await appendControlPlaneEvent(deps.db, {
      ...event,
      level: "INFO",
      message: `Run retries: launched retry ${decision.retryNumber} as run ${retry.id} (${decision.strategy}; the run failed with ${reason}).`,
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
    const message = error instanceof Error ? error.message : String(error);
    await recordRetryOutcome(deps.db, run.id, { error: message });
    await appendControlPlaneEvent(deps.db, {
      ...event,
      level: "ERROR",
      message: `Run retries: could not create retry ${decision.retryNumber}: ${message}`,
      data: { retry: "ERROR", reason: message },
    });
    return { runId: run.id, decision: "retry", error: message };
  }
}
