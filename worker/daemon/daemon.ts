/**
 * The daemon (DESIGN.md §6), Dagster's `dagster-daemon` as plain functions of the Worker's
 * bindings and `now`: `scheduled()` runs `runDaemon` every minute; the coordinator's alarm runs
 * `runMonitoringPass` more often, and the sensors pass whenever a sensor is due between minutes. Each duty is idempotent and isolated: one that throws is logged
 * and the next still runs.
 */
import { ScheduleEvaluateReplySchema, SensorEvaluateReplySchema } from "../../protocol";
import { alertRunsEnded, alertTickFailed, runAlertsPass } from "../alerts/alert-hooks";
import { loadInstanceConfig } from "../instance/load-instance-config";
import { defaultFetch } from "../launcher/signed-fetch";
import { reexecuteRun } from "../runs/reexecute-run";
import { submitRun } from "../runs/submit-run";
import { listLoadedDefinitions } from "../storage/code-locations-repo";
import { stateKey } from "../storage/instigator-state-key";
import { listSensorStates } from "../storage/sensors-repo";
import { type Deps, publicBaseUrl, UNKNOWN_BASE_URL, wire } from "../wiring";
import { wakeDaemonAt } from "./daemon-wake";
import type { MonitoringDeps, MonitoringOutcome } from "./monitoring";
import { monitorRuns } from "./monitoring";
import { evaluateRemotely } from "./remote-evaluation";
import type { RetryOutcome } from "./retries";
import { retryFailedRuns } from "./retries";
import { tellCoordinatorRunEnded } from "./run-ended";
import { checkRunWorkerHealth } from "./run-worker-health";
import type { ScheduleOutcome } from "./schedules";
import { evaluateSchedules } from "./schedules";
import { nextSensorDueAt } from "./sensor-timing";
import type { SensorOutcome } from "./sensors";
import { evaluateSensors } from "./sensors";

/** What run monitoring acts with, from the wiring (also for the runs of a lost agent, agent-lost.ts). */
export async function monitoringDepsOf(deps: Deps, now: number): Promise<MonitoringDeps> {
  const { db, launcher, env } = deps;
  return {
    db,
    now,
    config: (await deps.instanceConfig()).config.run_monitoring,
    launcher,
    checkHealth: (run) => checkRunWorkerHealth(db, defaultFetch, run),
    eventsUrlFor: deps.baseUrl === null ? null : deps.eventsUrlFor,
    onRunEnded: async (runId) => {
      await tellCoordinatorRunEnded(env, runId);
      await alertRunsEnded(env, [runId], { now });
    },
  };
}

export async function runMonitoringPass(deps: Deps, now: number): Promise<MonitoringOutcome[]> {
  return monitorRuns(await monitoringDepsOf(deps, now));
}

export async function runRetriesPass(deps: Deps, now: number): Promise<RetryOutcome[]> {
  return retryFailedRuns({
    db: deps.db,
    now,
    config: (await deps.instanceConfig()).config.run_retries,
    createRetry: async (failed, decision, runId) => {
      if (deps.baseUrl === null) throw new Error(UNKNOWN_BASE_URL);
      return reexecuteRun(deps, failed.id, { strategy: decision.strategy, tags: decision.tags, runId });
    },
    // Alert policies that skip retried failures waited for this decision.
    onDecided: (runId) => alertRunsEnded(deps.env, [runId], { now }),
  });
}

export async function runSchedulesPass(deps: Deps, now: number): Promise<ScheduleOutcome[]> {
  const { db } = deps;
  return evaluateSchedules({
    db,
    now,
    config: (await deps.instanceConfig()).config.schedules,
    locations: await listLoadedDefinitions(db),
    evaluate: (location, schedule, scheduledTime) =>
      evaluateRemotely(
        deps.evaluation,
        location,
        `/schedules/${encodeURIComponent(schedule)}/evaluate`,
        { scheduled_time: scheduledTime },
        ScheduleEvaluateReplySchema,
      ),
    submit: async (request) => {
      if (deps.baseUrl === null) throw new Error(UNKNOWN_BASE_URL);
      return submitRun(deps, request);
    },
    onTickFailed: (tick) => alertTickFailed(deps.env, tick, now),
  });
}

export async function runSensorsPass(deps: Deps, now: number): Promise<SensorOutcome[]> {
  const { db } = deps;
  return evaluateSensors({
    db,
    now,
    config: (await deps.instanceConfig()).config.sensors,
    locations: await listLoadedDefinitions(db),
    evaluate: (location, sensor, request) =>
      evaluateRemotely(
        deps.evaluation,
        location,
        `/sensors/${encodeURIComponent(sensor)}/evaluate`,
        request,
        SensorEvaluateReplySchema,
      ),
    submit: async (request) => {
      if (deps.baseUrl === null) throw new Error(UNKNOWN_BASE_URL);
      return submitRun(deps, request);
    },
    onTickFailed: (tick) => alertTickFailed(deps.env, tick, now),
  });
}

export type DaemonReport = {
  schedules: ScheduleOutcome[] | { error: string };
  sensors: SensorOutcome[] | { error: string };
  monitoring: MonitoringOutcome[] | { error: string };
  retries: RetryOutcome[] | { error: string };
};

async function isolated<T>(duty: string, run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    console.error(`daemon: ${duty} failed:`, error);
    return { error: String(error) };
  }
}

/** When a RUNNING sensor is next due, read from D1 after a pass (its claims included); null when none runs. */
async function nextSensorsDueAt(deps: Deps): Promise<number | null> {
  const { db } = deps;
  const { config } = await deps.instanceConfig();
  const [locations, states] = await Promise.all([listLoadedDefinitions(db), listSensorStates(db)]);
  const sensors = locations.flatMap(({ name, definitions }) =>
    definitions.sensors.map((sensor) => ({ sensor, state: states.get(stateKey(name, sensor.name)) })),
  );
  return nextSensorDueAt(sensors, config.sensors, deps.now());
}

/** The sensors pass, then the coordinator's alarm asked for the next due sensor (sub-minute intervals). */
async function runSensorsAndWake(deps: Deps, now: number): Promise<SensorOutcome[]> {
  const outcomes = await runSensorsPass(deps, now);
  const next = await nextSensorsDueAt(deps);
  if (next !== null) await wakeDaemonAt(deps.env, next);
  return outcomes;
}

/** One daemon iteration, in DESIGN §6's order: schedules, sensors, run monitoring, run retries; then alerts' pass (overdue runs). */
export async function runDaemon(env: Env, now: number): Promise<DaemonReport> {
  const deps = wire(env, publicBaseUrl(env), await loadInstanceConfig(env));
  const schedules = await isolated("schedules", () => runSchedulesPass(deps, now));
  const sensors = await isolated("sensors", () => runSensorsAndWake(deps, now));
  const monitoring = await isolated("run monitoring", () => runMonitoringPass(deps, now));
  const retries = await isolated("run retries", () => runRetriesPass(deps, now));
  await runAlertsPass(env, now);
  return { schedules, sensors, monitoring, retries };
}

/**
 * Run monitoring between cron ticks: the RunCoordinator's alarm (every ~30 s while it holds
 * in-progress runs, which is exactly when there is something to monitor) calls this. Never
 * throws: a failed pass must not make the alarm retry; the next alarm or tick tries again.
 */
export async function runMonitoringBetweenTicks(deps: Deps, now: number): Promise<void> {
  try {
    await runMonitoringPass(deps, now);
  } catch (error) {
    console.error("daemon: run monitoring from the coordinator's alarm failed:", error);
  }
  await runAlertsPass(deps.env, now);
}

/** If a sensors pass from the alarm fails, the alarm tries again this much later (the cron also will). */
const SENSORS_RETRY_MS = 30_000;

/**
 * The sensors pass from the RunCoordinator's alarm, when a sensor is due between cron ticks
 * (coordinator/alarm-plan.ts). Returns when a sensor is next due (null: none runs). Never throws; evaluations
 * are claimed per sensor (sensors-repo.ts), so this and the cron never evaluate one tick twice.
 */
export async function runSensorsBetweenTicks(deps: Deps, now: number): Promise<number | null> {
  try {
    await runSensorsPass(deps, now);
    return await nextSensorsDueAt(deps);
  } catch (error) {
    console.error("daemon: the sensors pass from the coordinator's alarm failed:", error);
    return deps.now() + SENSORS_RETRY_MS;
  }
}
