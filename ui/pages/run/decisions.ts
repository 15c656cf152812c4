/**
 * The daemon's decisions about a run, picked out of its event log for the run page: run
 * monitoring's (Dagster's run monitoring daemon: failed, canceled, resumed), run retries' (retried
 * as run X, not retried and why, could not retry), and the code location server's report of a run
 * worker that died. Each is an ENGINE_EVENT whose `data` has the shape declared in
 * protocol/automation.ts; anything else in the log is not a decision.
 */
import { MonitoringEventDataSchema, RetryEventDataSchema, RunWorkerExitDataSchema } from "../../../protocol/automation";
import type { StoredEvent } from "../../../protocol/events";

export type DecisionTone = "bad" | "warn" | "ok" | "idle";

export type Decision = {
  id: number;
  ts: number;
  attempt: number;
  /** Who decided: run monitoring, run retries, or the code location server reporting a dead run worker. */
  source: "MONITORING" | "RETRIES" | "RUN_WORKER";
  /** What was decided, as stored: FAIL, CANCEL, RESUME, RETRY, NO_RETRY, ERROR, or CRASHED. */
  verdict: string;
  tone: DecisionTone;
  message: string;
  /** The retry run a RETRY launched. */
  retryRunId: string | null;
};

const MONITORING_TONE: Record<string, DecisionTone> = { FAIL: "bad", CANCEL: "warn", RESUME: "warn" };
const RETRY_TONE: Record<string, DecisionTone> = { RETRY: "ok", NO_RETRY: "idle", ERROR: "bad" };

export function deriveDecisions(events: readonly StoredEvent[]): Decision[] {
  const decisions: Decision[] = [];
  for (const e of events) {
    if (e.type !== "ENGINE_EVENT" || !e.data) continue;
    // The card names who decided; the log's own "Run monitoring: " prefix would say it twice.
    const stripped = (e.message ?? "").replace(/^Run (monitoring|retries): /, "");
    const message = stripped.charAt(0).toUpperCase() + stripped.slice(1);
    const base = { id: e.id, ts: e.ts, attempt: e.attempt, message, retryRunId: null };
    const monitoring = MonitoringEventDataSchema.safeParse(e.data);
    if (monitoring.success) {
      const verdict = monitoring.data.monitoring;
      decisions.push({ ...base, source: "MONITORING", verdict, tone: MONITORING_TONE[verdict] ?? "warn" });
      continue;
    }
    const retry = RetryEventDataSchema.safeParse(e.data);
    if (retry.success) {
      const verdict = retry.data.retry;
      decisions.push({
        ...base,
        source: "RETRIES",
        verdict,
        tone: RETRY_TONE[verdict] ?? "idle",
        retryRunId: retry.data.retry_run_id ?? null,
      });
      continue;
    }
    // A WARNING when the worker died while being terminated (the run ends CANCELED), else an ERROR.
    if (RunWorkerExitDataSchema.safeParse(e.data).success) {
      decisions.push({ ...base, source: "RUN_WORKER", verdict: "CRASHED", tone: e.level === "ERROR" ? "bad" : "warn" });
    }
  }
  return decisions;
}
