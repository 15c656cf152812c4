/**
 * The sensors' pass (Dagster's sensor daemon): each RUNNING sensor of each LOADED code location
 * whose minimum interval has passed is claimed (a conditional update, so overlapping passes
 * evaluate it once), evaluated by its code location server with its cursor, and its run requests
 * submitted — a `run_key` claimed first, so it launches once per sensor, forever. The cursor moves
 * only when the tick succeeds; an error is recorded on the tick and touches no other sensor. A run
 * key claimed by a pass that stopped before its run was recorded is finished by the next
 * evaluation (which, its cursor unmoved, asks for it again): its run if it exists, else submitted.
 *
 * Run status sensors (Dagster's `@run_status_sensor`): evaluated once per run of their monitored
 * jobs that reached their status since the cursor (the runs' `updated_at`), each run claimed by a
 * key so it is handled once even when ticks overlap or an evaluation is retried.
 */
import type {
  Definitions,
  InstanceConfig,
  Run,
  RunRequest,
  SensorDefinition,
  SensorEvaluateReply,
  SensorEvaluateRequest,
  SubmitRun,
} from "../../protocol";
import { TAG } from "../../protocol";
import type { TickFailure } from "../alerts/alert-message";
import type { Database } from "../storage/db";
import { stateKey } from "../storage/instigator-state-key";
import {
  claimRunKey,
  findInstigatedRun,
  isRunKeyUsed,
  recordRunKeyRun,
  releaseRunKey,
  runOfRunKey,
} from "../storage/schedules-repo";
import type { SensorStateRow } from "../storage/sensors-repo";
import {
  claimSensorEvaluation,
  ensureSensorState,
  finishSensorTick,
  listRunsReaching,
  listSensorStates,
  saveSensorCursor,
  startSensorTick,
} from "../storage/sensors-repo";
import { sensorIntervalMs } from "./sensor-timing";

export type SensorDeps = {
  db: Database;
  now: number;
  config: InstanceConfig["sensors"];
  locations: { name: string; definitions: Definitions }[];
  evaluate: (location: string, sensor: string, request: SensorEvaluateRequest) => Promise<SensorEvaluateReply>;
  submit: (submit: SubmitRun) => Promise<Run>;
  /** Told after a tick is stored as FAILURE (alerts). */
  onTickFailed: (failed: TickFailure) => Promise<void>;
};

export type SensorOutcome = { location: string; sensor: string; status: string };

/** A run status sensor hands at most this many runs to its function per tick. */
const RUNS_PER_TICK = 25;

export async function evaluateSensors(deps: SensorDeps): Promise<SensorOutcome[]> {
  const states = await listSensorStates(deps.db);
  const outcomes: SensorOutcome[] = [];
  for (const { name: location, definitions } of deps.locations) {
    for (const sensor of definitions.sensors) {
      try {
        const outcome = await evaluateOne(deps, location, sensor, states.get(stateKey(location, sensor.name)));
        if (outcome) outcomes.push(outcome);
      } catch (error) {
        console.error(`sensors: ${location}/${sensor.name} failed:`, error);
      }
    }
  }
  return outcomes;
}

async function evaluateOne(
  deps: SensorDeps,
  location: string,
  sensor: SensorDefinition,
  state: SensorStateRow | undefined,
): Promise<SensorOutcome | null> {
  if ((state?.status ?? sensor.default_status) !== "RUNNING") return null;
  if (!state) await ensureSensorState(deps.db, location, sensor.name, deps.now);
  // Its own interval, else the instance's; below a minute is honored (the coordinator's alarm wakes the daemon for it).
  const intervalMs = sensorIntervalMs(sensor, deps.config);
  const claim = await claimSensorEvaluation(deps.db, location, sensor.name, intervalMs, deps.now);
  if (!claim) return null;
  const tickId = await startSensorTick(deps.db, location, sensor.name, deps.now);
  const cursor = state?.cursor ?? null;
  try {
    const result = sensor.run_status
      ? await evaluateRunStatus(deps, location, sensor, cursor)
      : await evaluatePlain(deps, location, sensor, cursor, claim.previous);
    if (result.cursor !== undefined) await saveSensorCursor(deps.db, location, sensor.name, result.cursor, deps.now);
    const status = result.runIds.length > 0 ? "SUCCESS" : "SKIPPED";
    await finishSensorTick(
      deps.db,
      tickId,
      {
        status,
        runIds: result.runIds,
        skipReason: status === "SKIPPED" ? (result.skipReason ?? "No run requests.") : null,
        cursor: result.cursor ?? cursor,
      },
      deps.now,
    );
    return { location, sensor: sensor.name, status };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishSensorTick(deps.db, tickId, { status: "FAILURE", runIds: [], error: message, cursor }, deps.now);
    await deps.onTickFailed({ kind: "SENSOR", location, name: sensor.name, tickId: String(tickId), error: message });
    return { location, sensor: sensor.name, status: "FAILURE" };
  }
}

type TickResult = { runIds: string[]; skipReason?: string; cursor?: string | null };

async function evaluatePlain(
  deps: SensorDeps,
  location: string,
  sensor: SensorDefinition,
  cursor: string | null,
  lastTickAt: number | null,
): Promise<TickResult> {
  const reply = await deps.evaluate(location, sensor.name, { cursor, last_tick_at: lastTickAt });
  const runIds = await submitRequests(deps, location, sensor, reply.run_requests);
  const skipped =
    reply.run_requests.length > 0 && runIds.length === 0 ? "Every run request's run key was already used." : undefined;
  return {
    runIds,
    ...(reply.skip_reason !== undefined || skipped ? { skipReason: reply.skip_reason ?? skipped } : {}),
    ...(reply.cursor !== undefined ? { cursor: reply.cursor } : {}),
  };
}

async function evaluateRunStatus(
  deps: SensorDeps,
  location: string,
  sensor: SensorDefinition,
  cursor: string | null,
): Promise<TickResult> {
  const status = sensor.run_status;
  // First evaluation: start from now, as Dagster does; runs that ended before the sensor existed are not its business.
  if (cursor === null || !status) return { runIds: [], skipReason: "Started watching runs.", cursor: String(deps.now) };
  const since = Number(cursor);
  const watched = sensor.monitored_jobs ?? null;
  const candidates = (await listRunsReaching(deps.db, status, since, RUNS_PER_TICK * 4))
    .filter((run) => watched === null || watched.includes(run.job))
    .slice(0, RUNS_PER_TICK);
  const runIds: string[] = [];
  let newCursor = since;
  for (const run of candidates) {
    const handledKey = `__run_status__:${run.id}`;
    if (await isRunKeyUsed(deps.db, "SENSOR", location, sensor.name, handledKey)) {
      newCursor = Math.max(newCursor, run.updated_at);
      continue;
    }
    // An evaluation error stops here: the cursor stays before this run, so the next tick retries it.
    const reply = await deps.evaluate(location, sensor.name, {
      cursor,
      last_tick_at: null,
      run: { id: run.id, location: run.location, job: run.job, status, tags: run.tags },
    });
    if (!(await claimRunKey(deps.db, "SENSOR", location, sensor.name, handledKey, deps.now))) continue;
    runIds.push(...(await submitRequests(deps, location, sensor, reply.run_requests)));
    newCursor = Math.max(newCursor, run.updated_at);
  }
  return {
    runIds,
    cursor: String(newCursor),
    ...(candidates.length === 0 ? { skipReason: `No runs reached ${status} since the last tick.` } : {}),
  };
}

async function submitRequests(
  deps: SensorDeps,
  location: string,
  sensor: SensorDefinition,
  requests: readonly RunRequest[],
): Promise<string[]> {
  const runIds: string[] = [];
  for (const request of requests) {
    const job = request.job ?? sensor.job;
    if (!job) throw new Error(`sensor ${sensor.name} asked for a run without naming a job, and targets none`);
    if (request.run_key && !(await claimRunKey(deps.db, "SENSOR", location, sensor.name, request.run_key, deps.now))) {
      // Used before — or claimed by a pass that died before its submit was recorded (the cursor did
      // not move, so this evaluation asks again): that request is finished now, by the run it made
      // if the submit got that far, else by submitting it.
      const used = await runOfRunKey(deps.db, "SENSOR", location, sensor.name, request.run_key);
      if (!used || used.runId) continue;
      const existing = await findInstigatedRun(deps.db, "SENSOR", location, sensor.name, request.run_key);
      if (existing) {
        await recordRunKeyRun(deps.db, "SENSOR", location, sensor.name, request.run_key, existing);
        runIds.push(existing);
        continue;
      }
    }
    let run: Run;
    try {
      run = await deps.submit({
        location,
        job,
        ...(request.run_config ? { run_config: request.run_config } : {}),
        tags: {
          ...(request.tags ?? {}),
          [TAG.sensor]: sensor.name,
          ...(request.run_key ? { "flightdeck/run_key": request.run_key } : {}),
        },
      });
    } catch (error) {
      if (request.run_key) await releaseRunKey(deps.db, "SENSOR", location, sensor.name, request.run_key);
      throw error;
    }
    if (request.run_key) await recordRunKeyRun(deps.db, "SENSOR", location, sensor.name, request.run_key, run.id);
    runIds.push(run.id);
  }
  return runIds;
}
