/**
 * The schedules' pass (Dagster's scheduler daemon): for every RUNNING schedule of every LOADED
 * code location, the due tick (schedule-policy.ts) is claimed by its unique `schedule_ticks` row,
 * evaluated — its static run config and tags, or `POST /schedules/:name/evaluate` on the code
 * location server — and its run requests submitted, each with a run key (the request's, else one
 * per tick) claimed first. The tick records SUCCESS with its runs, SKIPPED with the reason, or
 * FAILURE with the error; one schedule's failure touches no other.
 */
import type {
  Definitions,
  InstanceConfig,
  Run,
  RunRequest,
  ScheduleDefinition,
  ScheduleEvaluateReply,
  SubmitRun,
} from "../../protocol";
import { TAG } from "../../protocol";
import type { TickFailure } from "../alerts/alert-message";
import type { Database } from "../storage/db";
import { stateKey } from "../storage/instigator-state-key";
import {
  advanceScheduleCursor,
  claimRunKey,
  claimScheduleTick,
  ensureScheduleState,
  finishScheduleTick,
  listScheduleStates,
  recordRunKeyRun,
  releaseRunKey,
} from "../storage/schedules-repo";
import { parseCron } from "./cron";
import { selectDueTicks } from "./schedule-policy";

export type ScheduleDeps = {
  db: Database;
  now: number;
  config: InstanceConfig["schedules"];
  locations: { name: string; definitions: Definitions }[];
  /** Asks the code location server to evaluate a tick of an `evaluated` schedule. */
  evaluate: (location: string, schedule: string, scheduledTime: number) => Promise<ScheduleEvaluateReply>;
  submit: (submit: SubmitRun) => Promise<Run>;
  /** Told after a tick is stored as FAILURE (alerts). */
  onTickFailed: (failed: TickFailure) => Promise<void>;
};

export type ScheduleOutcome = { location: string; schedule: string; scheduledTime: number; status: string };

export async function evaluateSchedules(deps: ScheduleDeps): Promise<ScheduleOutcome[]> {
  const states = await listScheduleStates(deps.db);
  const outcomes: ScheduleOutcome[] = [];
  for (const { name: location, definitions } of deps.locations) {
    for (const schedule of definitions.schedules) {
      try {
        outcomes.push(...(await evaluateOne(deps, location, schedule, states.get(stateKey(location, schedule.name)))));
      } catch (error) {
        console.error(`schedules: ${location}/${schedule.name} failed:`, error);
      }
    }
  }
  return outcomes;
}

async function evaluateOne(
  deps: ScheduleDeps,
  location: string,
  schedule: ScheduleDefinition,
  state: { status: string | null; cursor: number } | undefined,
): Promise<ScheduleOutcome[]> {
  const status = state?.status ?? schedule.default_status;
  if (status !== "RUNNING") return [];
  if (!state) {
    await ensureScheduleState(deps.db, location, schedule.name, deps.now);
    return [];
  }
  const due = selectDueTicks(
    parseCron(schedule.cron_schedule),
    schedule.execution_timezone,
    state.cursor,
    deps.now,
    deps.config.max_catchup_runs,
  );
  const outcomes: ScheduleOutcome[] = [];
  for (const missed of due.skipped) {
    const claimed = await claimScheduleTick(deps.db, location, schedule.name, missed, deps.now, {
      status: "SKIPPED",
      skipReason: "Missed while the daemon was not running; only the latest missed tick runs.",
    });
    if (claimed !== null)
      outcomes.push({ location, schedule: schedule.name, scheduledTime: missed, status: "SKIPPED" });
  }
  if (due.run !== null) {
    const tickId = await claimScheduleTick(deps.db, location, schedule.name, due.run, deps.now);
    if (tickId !== null) {
      const status = await runTick(deps, location, schedule, due.run, tickId);
      outcomes.push({ location, schedule: schedule.name, scheduledTime: due.run, status });
    }
    await advanceScheduleCursor(deps.db, location, schedule.name, due.run, deps.now);
  }
  return outcomes;
}

async function runTick(
  deps: ScheduleDeps,
  location: string,
  schedule: ScheduleDefinition,
  scheduledTime: number,
  tickId: number,
): Promise<string> {
  try {
    const reply: ScheduleEvaluateReply = schedule.evaluated
      ? await deps.evaluate(location, schedule.name, scheduledTime)
      : { run_requests: [{}] };
    if ("skip_reason" in reply) {
      await finishScheduleTick(
        deps.db,
        tickId,
        { status: "SKIPPED", runIds: [], skipReason: reply.skip_reason },
        deps.now,
      );
      return "SKIPPED";
    }
    const runIds: string[] = [];
    for (const [index, request] of reply.run_requests.entries()) {
      const runId = await submitRequest(deps, location, schedule, scheduledTime, request, index);
      if (runId) runIds.push(runId);
    }
    const skipReason = runIds.length === 0 ? "Every run request's run key was already used." : null;
    await finishScheduleTick(
      deps.db,
      tickId,
      { status: runIds.length > 0 ? "SUCCESS" : "SKIPPED", runIds, skipReason },
      deps.now,
    );
    return runIds.length > 0 ? "SUCCESS" : "SKIPPED";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishScheduleTick(deps.db, tickId, { status: "FAILURE", runIds: [], error: message }, deps.now);
    await deps.onTickFailed({
      kind: "SCHEDULE",
      location,
      name: schedule.name,
      tickId: String(tickId),
      error: message,
    });
    return "FAILURE";
  }
}

async function submitRequest(
  deps: ScheduleDeps,
  location: string,
  schedule: ScheduleDefinition,
  scheduledTime: number,
  request: RunRequest,
  index: number,
): Promise<string | null> {
  // One run per tick whatever happens: the default key names the tick.
  const runKey = request.run_key ?? `${new Date(scheduledTime).toISOString()}#${index}`;
  if (!(await claimRunKey(deps.db, "SCHEDULE", location, schedule.name, runKey, deps.now))) return null;
  let run: Run;
  try {
    run = await deps.submit({
      location,
      job: request.job ?? schedule.job,
      ...((request.run_config ?? schedule.run_config)
        ? { run_config: request.run_config ?? schedule.run_config ?? {} }
        : {}),
      tags: {
        ...(schedule.tags ?? {}),
        ...(request.tags ?? {}),
        [TAG.schedule]: schedule.name,
        "flightdeck/scheduled_time": new Date(scheduledTime).toISOString(),
        "flightdeck/run_key": runKey,
      },
    });
  } catch (error) {
    await releaseRunKey(deps.db, "SCHEDULE", location, schedule.name, runKey);
    throw error;
  }
  await recordRunKeyRun(deps.db, "SCHEDULE", location, schedule.name, runKey, run.id);
  return run.id;
}
