/**
 * The hook points that raise alerts, each called where Flightdeck already knows the event:
 * - `alertRunsEnded`: wherever a run's status became terminal (event ingestion, terminate, run
 *   monitoring, launch failures) and when run retries decide about a failure — a policy that skips
 *   retried failures waits for that decision (alert-match.ts `decideRunEndAlert`);
 * - `alertOverdueRuns`: the daemon's pass (cron and the coordinator's alarm) for runs running or
 *   queued longer than a policy's threshold;
 * - `alertTickFailed`, `alertCodeLocationFailed`: a schedule or sensor tick that failed, a code
 *   location load that failed.
 * Every hook is safe to call twice (deliveries are claimed once per policy and subject) and never
 * throws: an alert that cannot be raised is logged, and the work that raised it goes on.
 */
import type { AlertPolicy, Run } from "../../protocol";
import { loadInstanceConfig } from "../instance/load-instance-config";
import {
  listAlertPolicies,
  listOverdueCandidates,
  listStrandedDeliveries,
  readRetryDecision,
  touchDeliveries,
} from "../storage/alerts-repo";
import type { Database } from "../storage/db";
import { openDatabase } from "../storage/db";
import { getRun } from "../storage/runs-repo";
import { decideRunEndAlert, overdueEvents, runEndEvent, smallestThresholdMs, willRetry } from "./alert-match";
import type { TickFailure } from "./alert-message";
import type { AlertQueueMessage, RaiseDeps, RaisedAlert } from "./raise-alerts";
import { enqueueDeliveries, raiseAlerts } from "./raise-alerts";

export type AlertEnv = Pick<Env, "DB" | "ALERTS_QUEUE" | "PUBLIC_URL" | "INSTANCE_CONFIG">;

/** PUBLIC_URL, else the origin of the request that caused the alert, else null (no links). */
export function alertBaseUrl(env: Pick<Env, "PUBLIC_URL">, requestUrl?: string): string | null {
  const url = env.PUBLIC_URL?.trim() || (requestUrl ? new URL(requestUrl).origin : "");
  return url ? url.replace(/\/+$/, "") : null;
}

function raiseDeps(env: AlertEnv, db: Database, now: number, requestUrl?: string): RaiseDeps {
  return { db, queue: env.ALERTS_QUEUE as Queue<AlertQueueMessage>, now, baseUrl: alertBaseUrl(env, requestUrl) };
}

async function enabledPolicies(db: Database): Promise<AlertPolicy[]> {
  return (await listAlertPolicies(db)).filter((p) => p.enabled);
}

async function guarded(what: string, raise: () => Promise<unknown>): Promise<void> {
  try {
    await raise();
  } catch (error) {
    console.error(`alerts: could not raise alerts for ${what}:`, error);
  }
}

/** Whether each failed run will be retried, as far as known (null: run retries have not decided). */
async function retryingOf(env: AlertEnv, db: Database, run: Run): Promise<boolean | null> {
  if (run.status !== "FAILURE") return false;
  const decision = await readRetryDecision(db, run.id);
  const enabled = decision === null ? (await loadInstanceConfig(env)).config.run_retries.enabled : true;
  return willRetry(run, decision, enabled);
}

export async function alertRunsEnded(
  env: AlertEnv,
  runIds: readonly string[],
  opts: { now?: number; requestUrl?: string } = {},
): Promise<void> {
  await guarded(`runs ${runIds.join(", ")}`, async () => {
    const db = openDatabase(env.DB);
    const policies = await enabledPolicies(db);
    if (policies.length === 0) return;
    const alerts: RaisedAlert[] = [];
    for (const runId of runIds) {
      const run = await getRun(db, runId);
      if (!run) continue;
      // Asked only when some policy waits on it: the common path stays two reads.
      let retrying: boolean | null | undefined;
      for (const policy of policies) {
        let decision = decideRunEndAlert(policy, run, false);
        if (decision === "alert" && policy.skip_if_will_retry && run.status === "FAILURE") {
          retrying ??= await retryingOf(env, db, run);
          decision = decideRunEndAlert(policy, run, retrying);
        }
        const event = runEndEvent(run.status);
        if (decision === "alert" && event !== null) alerts.push({ policy, subject: { kind: "run", event, run } });
      }
    }
    await raiseAlerts(raiseDeps(env, db, opts.now ?? Date.now(), opts.requestUrl), alerts);
  });
}

/** The daemon's pass: each run past a policy's long-running or long-queued threshold alerts that policy once. */
export async function alertOverdueRuns(env: AlertEnv, now: number): Promise<void> {
  await guarded("overdue runs", async () => {
    const db = openDatabase(env.DB);
    const policies = await enabledPolicies(db);
    const running = smallestThresholdMs(policies, "RUN_LONG_RUNNING");
    const queued = smallestThresholdMs(policies, "RUN_LONG_QUEUED");
    if (running === null && queued === null) return;
    const candidates = await listOverdueCandidates(db, {
      runningBefore: running === null ? null : now - running,
      queuedBefore: queued === null ? null : now - queued,
    });
    const alerts = candidates.flatMap((run) =>
      policies.flatMap((policy) =>
        overdueEvents(policy, run, now).map((event): RaisedAlert => ({ policy, subject: { kind: "run", event, run } })),
      ),
    );
    await raiseAlerts(raiseDeps(env, db, now), alerts);
  });
}

/** Non-run events filter by code location only: jobs and tags belong to runs. */
function watches(policy: AlertPolicy, event: AlertPolicy["events"][number], location: string): boolean {
  return (
    policy.events.includes(event) &&
    (policy.filters.locations.length === 0 || policy.filters.locations.includes(location))
  );
}

export async function alertTickFailed(env: AlertEnv, tick: TickFailure, now: number): Promise<void> {
  await guarded(`${tick.kind.toLowerCase()} ${tick.location}/${tick.name}`, async () => {
    const db = openDatabase(env.DB);
    const event = tick.kind === "SCHEDULE" ? "SCHEDULE_TICK_FAILURE" : "SENSOR_TICK_FAILURE";
    const alerts = (await enabledPolicies(db))
      .filter((policy) => watches(policy, event, tick.location))
      .map((policy): RaisedAlert => ({ policy, subject: { kind: "tick", event, tick } }));
    await raiseAlerts(raiseDeps(env, db, now), alerts);
  });
}

export async function alertCodeLocationFailed(
  env: AlertEnv,
  location: { name: string; error: string | null; at: number },
  requestUrl?: string,
): Promise<void> {
  await guarded(`code location ${location.name}`, async () => {
    const db = openDatabase(env.DB);
    const event = "CODE_LOCATION_LOAD_FAILURE";
    const alerts = (await enabledPolicies(db))
      .filter((policy) => watches(policy, event, location.name))
      .map((policy): RaisedAlert => ({ policy, subject: { kind: "code_location", event, ...location } }));
    await raiseAlerts(raiseDeps(env, db, location.at, requestUrl), alerts);
  });
}

/** A claimed delivery whose queue send was lost is queued again after this long untried. */
const STRANDED_AFTER_MS = 10 * 60_000;

/**
 * The daemon's alerts duty, every minute and on the coordinator's alarm: overdue runs, then any
 * delivery claimed but never queued (the Worker died between the claim and the send).
 */
export async function runAlertsPass(env: AlertEnv, now: number): Promise<void> {
  await alertOverdueRuns(env, now);
  await guarded("stranded deliveries", async () => {
    const db = openDatabase(env.DB);
    const stranded = await listStrandedDeliveries(db, now - STRANDED_AFTER_MS);
    if (stranded.length === 0) return;
    await touchDeliveries(db, stranded, now);
    await enqueueDeliveries(env.ALERTS_QUEUE as Queue<AlertQueueMessage>, stranded);
  });
}
