/**
 * The daemon (DESIGN.md §6), Dagster's `dagster-daemon` as plain functions of the Worker's
 * bindings and `now`: `scheduled()` runs `runDaemon` every minute; the coordinator's alarm runs
 * `runMonitoringPass` more often, and the sensors pass whenever a sensor is due between minutes. Each duty is idempotent and isolated: one that throws is logged
 * and the next still runs.
 */
import type { InstanceConfig } from "../../protocol";
import { ScheduleEvaluateReplySchema, SensorEvaluateReplySchema } from "../../protocol";
import { loadInstanceConfig } from "../instance/load-instance-config";
import { HttpRunLauncher } from "../launcher/http-run-launcher";
import { defaultFetch } from "../launcher/signed-fetch";
import { reexecuteRun } from "../runs/reexecute-run";
import { submitRun } from "../runs/submit-run";
import { servicesForEnv } from "../services";
import { listLoadedDefinitions } from "../storage/code-locations-repo";
import { openDatabase } from "../storage/db";
import { listSensorStates } from "../storage/sensors-repo";
import { wakeDaemonSoon } from "./daemon-wake";
import type { MonitoringOutcome } from "./monitoring";
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

/** PUBLIC_URL: outside a request it is the only way to know where run workers post events. */
export function daemonBaseUrl(env: Pick<Env, "PUBLIC_URL">): string | null {
  const url = env.PUBLIC_URL?.trim().replace(/\/+$/, "");
  return url ? url : null;
}

export async function runMonitoringPass(env: Env, now: number, config?: InstanceConfig): Promise<MonitoringOutcome[]> {
  const effective = config ?? (await loadInstanceConfig(env)).config;
  const db = openDatabase(env.DB);
  const baseUrl = daemonBaseUrl(env);
  return monitorRuns({
    db,
    now,
    config: effective.run_monitoring,
    launcher: new HttpRunLauncher(db),
    checkHealth: (run) => checkRunWorkerHealth(db, defaultFetch, run),
    eventsUrlFor: baseUrl ? (runId) => `${baseUrl}/api/runs/${encodeURIComponent(runId)}/events` : null,
    onRunEnded: (runId) => tellCoordinatorRunEnded(env, runId),
  });
}

export async function runRetriesPass(env: Env, now: number, config?: InstanceConfig): Promise<RetryOutcome[]> {
  const effective = config ?? (await loadInstanceConfig(env)).config;
  const baseUrl = daemonBaseUrl(env);
  const services = baseUrl ? servicesForEnv(env, baseUrl) : null;
  return retryFailedRuns({
    db: openDatabase(env.DB),
    now,
    config: effective.run_retries,
    createRetry: async (failed, decision) => {
      if (!services) throw new Error(NO_URL);
      return reexecuteRun(services, failed.id, { strategy: decision.strategy, tags: decision.tags });
    },
  });
}

const NO_URL = "the control plane's URL is unknown (set PUBLIC_URL), so no run can be launched";

export async function runSchedulesPass(env: Env, now: number, config?: InstanceConfig): Promise<ScheduleOutcome[]> {
  const effective = config ?? (await loadInstanceConfig(env)).config;
  const db = openDatabase(env.DB);
  const baseUrl = daemonBaseUrl(env);
  const services = baseUrl ? servicesForEnv(env, baseUrl) : null;
  return evaluateSchedules({
    db,
    now,
    config: effective.schedules,
    locations: await listLoadedDefinitions(db),
    evaluate: (location, schedule, scheduledTime) =>
      evaluateRemotely(
        db,
        defaultFetch,
        location,
        `/schedules/${encodeURIComponent(schedule)}/evaluate`,
        { scheduled_time: scheduledTime },
        ScheduleEvaluateReplySchema,
      ),
    submit: async (request) => {
      if (!services) throw new Error(NO_URL);
      return submitRun(services, request);
    },
  });
}

export async function runSensorsPass(env: Env, now: number, config?: InstanceConfig): Promise<SensorOutcome[]> {
  const effective = config ?? (await loadInstanceConfig(env)).config;
  const db = openDatabase(env.DB);
  const baseUrl = daemonBaseUrl(env);
  const services = baseUrl ? servicesForEnv(env, baseUrl) : null;
  return evaluateSensors({
    db,
    now,
    config: effective.sensors,
    locations: await listLoadedDefinitions(db),
    evaluate: (location, sensor, request) =>
      evaluateRemotely(
        db,
        defaultFetch,
        location,
        `/sensors/${encodeURIComponent(sensor)}/evaluate`,
        request,
        SensorEvaluateReplySchema,
      ),
    submit: async (request) => {
      if (!services) throw new Error(NO_URL);
      return submitRun(services, request);
    },
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
async function nextSensorsDueAt(env: Env, config: InstanceConfig): Promise<number | null> {
  const db = openDatabase(env.DB);
  const [locations, states] = await Promise.all([listLoadedDefinitions(db), listSensorStates(db)]);
  const sensors = locations.flatMap(({ name, definitions }) =>
    definitions.sensors.map((sensor) => ({ sensor, state: states.get(`${name}\u0000${sensor.name}`) })),
  );
  return nextSensorDueAt(sensors, config.sensors, Date.now());
}

/** The sensors pass, then the coordinator's alarm asked for the next due sensor (sub-minute intervals). */
async function runSensorsAndWake(env: Env, now: number, config: InstanceConfig): Promise<SensorOutcome[]> {
  const outcomes = await runSensorsPass(env, now, config);
  const next = await nextSensorsDueAt(env, config);
  if (next !== null) await wakeDaemonSoon(env, next);
  return outcomes;
}

/** One daemon iteration, in DESIGN §6's order: schedules, sensors, run monitoring, run retries. */
export async function runDaemon(env: Env, now: number): Promise<DaemonReport> {
  const config = (await loadInstanceConfig(env)).config;
  const schedules = await isolated("schedules", () => runSchedulesPass(env, now, config));
  const sensors = await isolated("sensors", () => runSensorsAndWake(env, now, config));
  const monitoring = await isolated("run monitoring", () => runMonitoringPass(env, now, config));
  const retries = await isolated("run retries", () => runRetriesPass(env, now, config));
  return { schedules, sensors, monitoring, retries };
}

/**
 * Run monitoring between cron ticks: the RunCoordinator's alarm (every ~30 s while it holds
 * in-progress runs, which is exactly when there is something to monitor) calls this. Never
 * throws: a failed pass must not make the alarm retry; the next alarm or tick tries again.
 */
export async function monitorFromCoordinatorAlarm(env: Env, now: number): Promise<void> {
  try {
    await runMonitoringPass(env, now);
  } catch (error) {
    console.error("daemon: run monitoring from the coordinator's alarm failed:", error);
  }
}

/** If a sensors pass from the alarm fails, the alarm tries again this much later (the cron also will). */
const SENSORS_RETRY_MS = 30_000;

/**
 * The sensors pass from the RunCoordinator's alarm, when a sensor is due between cron ticks
 * (coordinator/alarm-plan.ts). Returns when a sensor is next due (null: none runs). Never throws; evaluations
 * are claimed per sensor (sensors-repo.ts), so this and the cron never evaluate one tick twice.
 */
export async function sensorsFromCoordinatorAlarm(env: Env, now: number): Promise<number | null> {
  try {
    const config = (await loadInstanceConfig(env)).config;
    await runSensorsPass(env, now, config);
    return await nextSensorsDueAt(env, config);
  } catch (error) {
    console.error("daemon: the sensors pass from the coordinator's alarm failed:", error);
    return Date.now() + SENSORS_RETRY_MS;
  }
}
