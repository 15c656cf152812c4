/**
 * Run monitoring's decisions (Dagster's `_daemon/monitoring/run_monitoring.py`): pure functions of
 * one in-progress run, what is known about its run worker, the instance config and `now`.
 *
 * - STARTING longer than `start_timeout_seconds` → FAILURE, and the launcher told to stop whatever
 *   it started (Dagster's monitor_starting_run).
 * - CANCELING longer than `cancel_timeout_seconds` → CANCELED (monitor_canceling_run).
 * - STARTED past its max runtime (`flightdeck/max_runtime` tag, else the instance's
 *   `max_runtime_seconds`) → CANCELING ("Canceling due to exceeding maximum runtime of N
 *   seconds."), the run worker asked to stop, then FAILURE (check_run_timeout: report_run_canceling,
 *   terminate, report_run_failed — the CANCELING step shows in the run's log, as in Dagster).
 * - STARTED whose run worker is gone — its health check says it exited and it has been silent a
 *   while, or it has not sent anything (heartbeats included) for `heartbeat_timeout_seconds` —
 *   → resumed as a new attempt up to `max_resume_run_attempts`, else FAILURE (monitor_started_run).
 *
 * The time a run entered its status is `updated_at` for STARTING and CANCELING (the status write
 * sets it), `started_at` for STARTED (the run worker's RUN_START).
 */
import type { InstanceConfig, RunFailureReason, RunStatus, RunWorkerHealth, Tags } from "../../protocol";
import { TAG } from "../../protocol";

export type MonitoringConfig = InstanceConfig["run_monitoring"];

export type MonitoredRun = {
  id: string;
  status: RunStatus;
  attempt: number;
  tags: Tags;
  updated_at: number;
  started_at: number | null;
};

export type MonitoringFacts = {
  /** ts of the newest event the current attempt's run worker sent (a HEARTBEAT at least every few seconds). */
  lastWorkerEventAt: number | null;
  /** The code location server's answer to `GET /runs/:id`; null when not asked or not reachable. */
  health: RunWorkerHealth | null;
};

export type MonitoringDecision =
  | { kind: "none" }
  | { kind: "fail"; reason: RunFailureReason; message: string; terminate: boolean }
  | { kind: "cancel"; message: string }
  /** Past its max runtime: CANCELING, terminate, FAILURE (monitoring.ts carries the three steps out). */
  | { kind: "max_runtime"; seconds: number }
  | { kind: "resume"; message: string };

/**
 * How long a run worker that the server says has exited may stay silent before monitoring acts:
 * the server's own report of the exit (runner/server, on the process's exit) normally lands
 * within a second, and it is better evidence (exit code, signal) than ours.
 */
export const EXITED_GRACE_MS = 10_000;
/** A STARTED run silent for this long gets a health check: a few heartbeats (10 s apart) missed. */
export const HEALTH_CHECK_AFTER_SILENCE_MS = 20_000;

/** The run's max runtime in ms: a positive `flightdeck/max_runtime` tag (seconds) wins over the instance's. */
export function maxRuntimeMs(tags: Tags, config: MonitoringConfig): number | null {
  const raw = tags[TAG.maxRuntime];
  if (raw !== undefined) {
    const seconds = Number(raw);
    if (raw.trim() !== "" && Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  }
  return config.max_runtime_seconds === null ? null : config.max_runtime_seconds * 1000;
}

/**
 * The moment the current attempt's run worker was last known alive: its newest event, or the last
 * write to the run (the move to STARTED, or a resume, whose new attempt has sent nothing yet).
 */
function lastSignOfLife(run: MonitoredRun, lastWorkerEventAt: number | null): number {
  return Math.max(lastWorkerEventAt ?? 0, run.updated_at, run.started_at ?? 0);
}

/** Whether the pass should ask the code location server about this run's worker before deciding. */
export function needsHealthCheck(run: MonitoredRun, lastWorkerEventAt: number | null, now: number): boolean {
  if (run.status !== "STARTED") return false;
  return now - lastSignOfLife(run, lastWorkerEventAt) >= HEALTH_CHECK_AFTER_SILENCE_MS;
}

export function decideMonitoring(
  run: MonitoredRun,
  facts: MonitoringFacts,
  config: MonitoringConfig,
  now: number,
): MonitoringDecision {
  switch (run.status) {
    case "STARTING": {
      const limitMs = config.start_timeout_seconds * 1000;
      if (now - run.updated_at <= limitMs) return { kind: "none" };
      return {
        kind: "fail",
        reason: "START_TIMEOUT",
        terminate: true,
        message: `Run timed out due to taking longer than ${config.start_timeout_seconds} seconds to start.`,
      };
    }
    case "CANCELING": {
      if (now - run.updated_at <= config.cancel_timeout_seconds * 1000) return { kind: "none" };
      return {
        kind: "cancel",
        message: `Run timed out due to taking longer than ${config.cancel_timeout_seconds} seconds to cancel; marking it CANCELED.`,
      };
    }
    case "STARTED":
      return decideStarted(run, facts, config, now);
    default:
      return { kind: "none" };
  }
}

function decideStarted(
  run: MonitoredRun,
  facts: MonitoringFacts,
  config: MonitoringConfig,
  now: number,
): MonitoringDecision {
  const maxMs = maxRuntimeMs(run.tags, config);
  const startedAt = run.started_at ?? run.updated_at;
  if (maxMs !== null && now - startedAt > maxMs) return { kind: "max_runtime", seconds: Math.round(maxMs / 1000) };
  const silentMs = now - lastSignOfLife(run, facts.lastWorkerEventAt);
  const exited = facts.health?.state === "exited" && silentMs >= EXITED_GRACE_MS;
  const timedOut = silentMs > config.heartbeat_timeout_seconds * 1000;
  if (!exited && !timedOut) return { kind: "none" };

  const why = exited
    ? `Run worker exited unexpectedly (${describeExit(facts.health)})`
    : `Run worker sent nothing for ${Math.round(silentMs / 1000)} seconds (heartbeat timeout ${config.heartbeat_timeout_seconds} s)`;
  return resumeOrFail(run, config, why, {
    reason: exited ? "RUN_WORKER_CRASHED" : "HEARTBEAT_TIMEOUT",
    terminate: !exited,
  });
}

/**
 * A STARTED run whose worker is gone: resumed as its next attempt while `max_resume_run_attempts`
 * allows (Dagster's monitor_started_run), else failed for `reason`, the message saying why either way.
 */
export function resumeOrFail(
  run: MonitoredRun,
  config: MonitoringConfig,
  why: string,
  failure: { reason: RunFailureReason; terminate: boolean },
): MonitoringDecision {
  const resumes = run.attempt - 1;
  if (resumes < config.max_resume_run_attempts) {
    return {
      kind: "resume",
      message: `${why}; resuming the run as attempt ${run.attempt + 1} (resume ${resumes + 1} of ${config.max_resume_run_attempts}).`,
    };
  }
  const tail =
    config.max_resume_run_attempts > 0
      ? ` after ${resumes} resume attempts`
      : "; resuming is off (max_resume_run_attempts 0)";
  return { kind: "fail", ...failure, message: `${why}${tail}.` };
}

function describeExit(health: RunWorkerHealth | null): string {
  if (health?.signal) return `killed by ${health.signal}`;
  if (health?.exit_code !== null && health?.exit_code !== undefined) return `exit code ${health.exit_code}`;
  return "no exit record";
}
