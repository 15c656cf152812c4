/**
 * The schedules' pass (Dagster's scheduler daemon): for every RUNNING schedule of every LOADED
 * code location, the due tick (schedule-policy.ts) is claimed by its unique `schedule_ticks` row,
 * evaluated — its static run config and tags, or `POST /schedules/:name/evaluate` on the code
 * location server — and its run requests submitted, each with a run key (the request's, else one
 * per tick) claimed first. The tick records SUCCESS with its runs, SKIPPED with the reason, or
 * FAILURE with the error; one schedule's failure touches no other. The latest tick is evaluated
 * again, on the same row, when its pass died or it failed within `schedules.max_tick_retries`
 * (an unreachable code location does not count: its tick waits for the server), as Dagster does.
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
  findInstigatedRun,
  finishScheduleTick,
  latestScheduleTick,
  listScheduleStates,
  reclaimScheduleTick,
  recordRunKeyRun,
  releaseRunKey,
  runOfRunKey,
} from "../storage/schedules-repo";
import { parseCron } from "./cron";
import { CodeLocationUnreachableError } from "./remote-evaluation";
import { selectDueTicks, tickToEvaluateAgain } from "./schedule-policy";

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
  const latest = await latestScheduleTick(deps.db, location, schedule.name);
  const again = tickToEvaluateAgain(latest, deps.now, deps.config.max_tick_retries);
  const due = selectDueTicks(
    parseCron(schedule.cron_schedule),
    schedule.execution_timezone,
    state.cursor,
    deps.now,
    deps.config.max_catchup_runs,
    again,
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
    const tick =
      due.again && latest
        ? (await reclaimScheduleTick(deps.db, latest, deps.now))
          ? { id: latest.id, failureCount: latest.failureCount, again: true }
          : null
        : await claimScheduleTick(deps.db, location, schedule.name, due.run, deps.now).then((id) =>
            id === null ? null : { id, failureCount: 0, again: false },
          );
    if (tick !== null) {
      const status = await runTick(deps, location, schedule, due.run, tick);
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
  tick: { id: number; failureCount: number; again: boolean },
): Promise<string> {
  const { id: tickId, again } = tick;
  try {
    const reply: ScheduleEvaluateReply = schedule.evaluated
      ? await deps.evaluate(location, schedule.name, scheduledTime)
      : STATIC_SCHEDULE_REPLY;
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
      const runId = await submitRequest(deps, location, schedule, scheduledTime, request, index, again);
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
    // Dagster: an unreachable server does not count against max_tick_retries — "retry forever
    // until the server comes back up or the schedule is turned off".
    const unreachable = error instanceof CodeLocationUnreachableError;
    const failure = unreachable
      ? {
          error: `Unable to reach the code location server for schedule ${schedule.name}. Schedule will resume execution once the server is available. ${message}`,
          failureCount: tick.failureCount,
        }
      : { error: message, failureCount: tick.failureCount + 1 };
    await finishScheduleTick(deps.db, tickId, { status: "FAILURE", runIds: [], ...failure }, deps.now);
    await deps.onTickFailed({
      kind: "SCHEDULE",
      location,
      name: schedule.name,
      tickId: String(tickId),
      error: failure.error,
    });
    return "FAILURE";
  }
}

/**
 * The run a schedule's run request stands for at a tick: the request's job, run config and tags
 * over the schedule's own, the schedule's tags, and its run key — the request's, else one that
 * names the tick, so each tick launches once whatever happens. Shared with the dry run.
 */
export function scheduledRun(
  schedule: ScheduleDefinition,
  scheduledTime: number,
  request: RunRequest,
  index: number,
): { runKey: string; submit: Omit<SubmitRun, "location"> } {
  const runKey = request.run_key ?? `${new Date(scheduledTime).toISOString()}#${index}`;
  const runConfig = request.run_config ?? schedule.run_config;
  return {
    runKey,
    submit: {
      job: request.job ?? schedule.job,
      ...(runConfig ? { run_config: runConfig } : {}),
      tags: {
        ...(schedule.tags ?? {}),
        ...(request.tags ?? {}),
        [TAG.schedule]: schedule.name,
        "flightdeck/scheduled_time": new Date(scheduledTime).toISOString(),
        "flightdeck/run_key": runKey,
      },
    },
  };
}

/** A schedule with no evaluate function asks for one run per tick, with its static config and tags. */
export const STATIC_SCHEDULE_REPLY: ScheduleEvaluateReply = { run_requests: [{}] };

async function submitRequest(
  deps: ScheduleDeps,
  location: string,
  schedule: ScheduleDefinition,
  scheduledTime: number,
  request: RunRequest,
  index: number,
  again: boolean,
): Promise<string | null> {
  const { runKey, submit } = scheduledRun(schedule, scheduledTime, request, index);
  if (!(await claimRunKey(deps.db, "SCHEDULE", location, schedule.name, runKey, deps.now))) {
    // Used before: by this very tick when it is evaluated again after its pass died (its run is
    // the tick's), or by an earlier tick (nothing to launch). A key claimed but never given its run
    // is this tick's unfinished submit: its run, if the submit got that far, else submitted now.
    const used = await runOfRunKey(deps.db, "SCHEDULE", location, schedule.name, runKey);
    if (used?.runId) return again ? used.runId : null;
    if (!again) return null;
    const existing = await findInstigatedRun(deps.db, "SCHEDULE", location, schedule.name, runKey);
    if (existing) {
      await recordRunKeyRun(deps.db, "SCHEDULE", location, schedule.name, runKey, existing);
      return existing;
    }
  }
  let run: Run;
  try {
    run = await deps.submit({ location, ...submit });
  } catch (error) {
    await releaseRunKey(deps.db, "SCHEDULE", location, schedule.name, runKey);
    throw error;
  }
  await recordRunKeyRun(deps.db, "SCHEDULE", location, schedule.name, runKey, run.id);
  return run.id;
}
