/**
 * Run monitoring's pass (Dagster's run monitoring daemon iteration): reads every in-progress run,
 * gathers what is known about its run worker (its newest event; a health check when it has gone
 * quiet), asks monitoring-policy.ts what to do, and does it. Every action is a conditional status
 * write that logs its ENGINE_EVENT only when it took effect, so two overlapping passes (the cron
 * and the coordinator's alarm) act once. A resumed attempt is launched with `resume: true` and
 * the steps that already succeeded, which its run worker does not run again. A failure with one run is logged and the pass goes on.
 */
import type { JsonObject, Run, RunWorkerHealth } from "../../protocol";
import { issueRunToken } from "../auth/run-token";
import type { RunLauncher } from "../launcher/run-launcher";
import { lastWorkerEventTimes, listInProgressRuns, resumeRunAttempt } from "../storage/daemon-runs-repo";
import type { BatchStatement, Database } from "../storage/db";
import { runBatch } from "../storage/db";
import type { ControlPlaneEvent } from "../storage/event-log-repo";
import { appendControlPlaneEvent, eventIfPreviousChangedStatement } from "../storage/event-log-repo";
import { listSucceededSteps } from "../storage/reexecution-repo";
import { recordRunAgent, runTransitionStatement, transitionRun } from "../storage/runs-repo";
import type { MonitoringConfig, MonitoringDecision } from "./monitoring-policy";
import { decideMonitoring, needsHealthCheck } from "./monitoring-policy";

export type MonitoringDeps = {
  db: Database;
  now: number;
  config: MonitoringConfig;
  launcher: RunLauncher;
  checkHealth: (run: Run) => Promise<RunWorkerHealth | null>;
  /** Where a resumed attempt posts its events; null when the control plane's URL is unknown. */
  eventsUrlFor: ((runId: string) => string) | null;
  /** Told about every run this pass moved to a terminal status. */
  onRunEnded: (runId: string) => Promise<void>;
};

export type MonitoringOutcome = {
  runId: string;
  decision: MonitoringDecision["kind"];
  /** False when another writer got there first (or nothing was to be done). */
  acted: boolean;
  error?: string;
};

/** Workers allow 6 connections at once; more would only queue. */
const CONCURRENCY = 6;

export async function monitorRuns(deps: MonitoringDeps): Promise<MonitoringOutcome[]> {
  if (!deps.config.enabled) return [];
  const inProgress = await listInProgressRuns(deps.db);
  const started = inProgress.filter((r) => r.status === "STARTED");
  const lastEvents = started.length > 0 ? await lastWorkerEventTimes(deps.db, started) : new Map<string, number>();
  const outcomes: MonitoringOutcome[] = [];
  for (let i = 0; i < inProgress.length; i += CONCURRENCY) {
    const slice = inProgress.slice(i, i + CONCURRENCY);
    outcomes.push(...(await Promise.all(slice.map((run) => monitorOne(deps, run, lastEvents.get(run.id) ?? null)))));
  }
  return outcomes;
}

async function monitorOne(
  deps: MonitoringDeps,
  run: Run,
  lastWorkerEventAt: number | null,
): Promise<MonitoringOutcome> {
  try {
    const health = needsHealthCheck(run, lastWorkerEventAt, deps.now) ? await deps.checkHealth(run) : null;
    const decision = decideMonitoring(run, { lastWorkerEventAt, health }, deps.config, deps.now);
    const acted = await carryOut(deps, run, decision, health);
    return { runId: run.id, decision: decision.kind, acted };
  } catch (error) {
    console.error(`run monitoring: run ${run.id} failed:`, error);
    return { runId: run.id, decision: "none", acted: false, error: String(error) };
  }
}

function engineEvent(run: Run, now: number, message: string, data: JsonObject, level: "ERROR" | "WARNING" = "ERROR") {
  return { runId: run.id, attempt: run.attempt, type: "ENGINE_EVENT", ts: now, level, message, data } as const;
}

/** Carries out a decision made elsewhere about one run (an agent lost with it: agent-lost.ts). */
export function carryOutMonitoring(deps: MonitoringDeps, run: Run, decision: MonitoringDecision): Promise<boolean> {
  return carryOut(deps, run, decision, null);
}

async function carryOut(
  deps: MonitoringDeps,
  run: Run,
  decision: MonitoringDecision,
  health: RunWorkerHealth | null,
): Promise<boolean> {
  const { now } = deps;
  switch (decision.kind) {
    case "none":
      return false;
    case "fail": {
      const data: JsonObject = {
        monitoring: "FAIL",
        failure_reason: decision.reason,
        ...(health ? { exit_code: health.exit_code ?? null, signal: health.signal ?? null } : {}),
      };
      const done = await endRun(deps, run, "FAILURE", [
        engineEvent(run, now, `Run monitoring: ${decision.message}`, data),
        {
          ...engineEvent(run, now, decision.message, {
            failure_reason: decision.reason,
            error: { name: "RunMonitoringFailure", message: decision.message },
          }),
          type: "RUN_FAILURE",
        },
      ]);
      if (done && decision.terminate) await askToTerminate(deps, run);
      return done;
    }
    case "cancel":
      return endRun(deps, run, "CANCELED", [
        engineEvent(run, now, `Run monitoring: ${decision.message}`, { monitoring: "CANCEL" }, "WARNING"),
        { ...engineEvent(run, now, decision.message, {}, "WARNING"), type: "RUN_CANCELED" },
      ]);
    case "resume":
      return resume(deps, run, decision.message);
    case "max_runtime":
      return stopForMaxRuntime(deps, run, decision.seconds);
  }
}

/**
 * Dagster's check_run_timeout: STARTED → CANCELING with "Canceling due to exceeding maximum runtime
 * of N seconds.", the run worker asked to stop, then FAILURE — whether the stop request was taken
 * or failed (then the log says the worker may still be running). The FAILURE follows the stop
 * request at once, so the run worker's own RUN_CANCELED, arriving after, finds the run ended.
 */
async function stopForMaxRuntime(deps: MonitoringDeps, run: Run, seconds: number): Promise<boolean> {
  const { now } = deps;
  const canceling = `Canceling due to exceeding maximum runtime of ${seconds} seconds.`;
  const moved = await transitionRun(
    deps.db,
    { runId: run.id, to: "CANCELING", from: ["STARTED"], attempt: run.attempt, now },
    {
      ...engineEvent(run, now, canceling, { monitoring: "CANCEL", failure_reason: "MAX_RUNTIME" }, "WARNING"),
      type: "RUN_CANCELING",
    },
  );
  if (!moved) return false;
  const stop = await deps.launcher.terminateRun(run);
  const exceeded = `Exceeded maximum runtime of ${seconds} seconds.`;
  const message = stop.ok
    ? exceeded
    : `${exceeded} The run worker could not be asked to stop (${stop.reason}); it may still be running.`;
  const data = { monitoring: "FAIL", failure_reason: "MAX_RUNTIME" } as const;
  await endRun(deps, { ...run, status: "CANCELING" }, "FAILURE", [
    engineEvent(run, now, `Run monitoring: ${message}`, data),
    {
      ...engineEvent(run, now, message, {
        failure_reason: "MAX_RUNTIME",
        error: { name: "RunMonitoringFailure", message },
      }),
      type: "RUN_FAILURE",
    },
  ]);
  return true;
}

/** The conditional status write and its events, in one batch; the events land only if it changed the run. */
async function endRun(
  deps: MonitoringDeps,
  run: Run,
  to: "FAILURE" | "CANCELED",
  events: readonly ControlPlaneEvent[],
): Promise<boolean> {
  const statements: BatchStatement[] = [
    runTransitionStatement(deps.db, {
      runId: run.id,
      to,
      from: [run.status],
      attempt: run.attempt,
      now: deps.now,
      endedAt: deps.now,
    }),
    // Each insert is conditional on the one before it having changed a row: all or none.
    ...events.map((event) => eventIfPreviousChangedStatement(deps.db, event)),
  ];
  const [changed] = await runBatch(deps.db, statements);
  const done = Array.isArray(changed) && changed.length > 0;
  if (done) await deps.onRunEnded(run.id);
  return done;
}

async function askToTerminate(deps: MonitoringDeps, run: Run): Promise<void> {
  const outcome = await deps.launcher.terminateRun(run);
  if (outcome.ok) return;
  await appendControlPlaneEvent(
    deps.db,
    engineEvent(
      run,
      deps.now,
      `Run monitoring could not ask the code location server to stop the run worker: ${outcome.reason}`,
      { reason: outcome.reason },
      "WARNING",
    ),
  );
}

/** Dagster's resume_run: the next attempt of the same run, launched on the same code location. */
async function resume(deps: MonitoringDeps, run: Run, message: string): Promise<boolean> {
  if (!deps.eventsUrlFor) {
    return carryOut(
      deps,
      run,
      {
        kind: "fail",
        reason: "RUN_WORKER_CRASHED",
        terminate: false,
        message: `${message} But the control plane's URL is unknown (set PUBLIC_URL), so it cannot be resumed.`,
      },
      null,
    );
  }
  const { token, hash } = await issueRunToken();
  const next = run.attempt + 1;
  // Steps that succeeded in any earlier attempt are not run again; their outputs are in the IO manager.
  const succeeded = [...(await listSucceededSteps(deps.db, run.id))].sort();
  const kept = succeeded.length > 0 ? ` Steps already done, not run again: ${succeeded.join(", ")}.` : "";
  const resumed = await resumeRunAttempt(deps.db, run, hash, deps.now, {
    ...engineEvent(
      run,
      deps.now,
      `Run monitoring: ${message}${kept}`,
      { monitoring: "RESUME", next_attempt: next, succeeded_steps: succeeded },
      "WARNING",
    ),
  });
  if (!resumed) return false;
  const nextRun: Run = { ...run, attempt: next, updated_at: deps.now };
  const outcome = await deps.launcher.launchRun({
    run: nextRun,
    runToken: token,
    eventsUrl: deps.eventsUrlFor(run.id),
    resume: { succeededStepKeys: succeeded },
  });
  if (outcome.ok) {
    if (outcome.agent) await recordRunAgent(deps.db, run.id, next, outcome.agent, deps.now);
    return true;
  }
  const failMessage = `Resuming the run as attempt ${next} failed: ${outcome.reason}`;
  await endRun(deps, nextRun, "FAILURE", [
    engineEvent(nextRun, deps.now, failMessage, { failure_reason: "LAUNCH_FAILED", reason: outcome.reason }),
    {
      ...engineEvent(nextRun, deps.now, failMessage, {
        failure_reason: "LAUNCH_FAILED",
        error: { name: "LaunchFailed", message: failMessage },
      }),
      type: "RUN_FAILURE",
    },
  ]);
  return true;
}
