/**
 * Testing a schedule or a sensor (Dagster's "Test schedule" and "Test sensor"): its code location
 * server evaluates it exactly as a tick would, and the answer comes back as it is — run requests,
 * a skip reason, a new cursor, or the error the evaluation raised — with nothing launched and
 * nothing stored: no tick, no run key claimed, the cursor untouched. Dagster's GraphQL
 * `sensor_dry_run` (dagster_graphql/implementation/sensor_dry_run_utils.py) likewise evaluates "the user
 * code function ... but no tick is created", and its dialog offers the new cursor to persist,
 * which the dashboard does through `PUT /api/sensors/:name/cursor`.
 */
import type {
  DryRunRunRequest,
  InstigatorTestReply,
  RunRequest,
  ScheduleDefinition,
  SensorDefinition,
} from "../../protocol";
import { ScheduleEvaluateReplySchema, SensorEvaluateReplySchema } from "../../protocol";
import { ConflictError } from "../errors";
import type { Database } from "../storage/db";
import { isRunKeyUsed } from "../storage/schedules-repo";
import { nextCronTicks, parseCron } from "./cron";
import { type EvaluationDeps, evaluateRemotely } from "./remote-evaluation";
import { STATIC_SCHEDULE_REPLY, scheduledRun } from "./schedules";

type Kind = "SCHEDULE" | "SENSOR";

async function describeRequests(
  db: Database,
  kind: Kind,
  location: string,
  name: string,
  target: string | null,
  requests: readonly RunRequest[],
): Promise<DryRunRunRequest[]> {
  return Promise.all(
    requests.map(async (request) => ({
      ...request,
      job: request.job ?? target,
      run_key_used: request.run_key ? await isRunKeyUsed(db, kind, location, name, request.run_key) : false,
    })),
  );
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The tick a test evaluates when none is named: the schedule's next one after `now`. */
export function nextScheduledTime(schedule: ScheduleDefinition, now: number): number {
  let fields: ReturnType<typeof parseCron>;
  try {
    fields = parseCron(schedule.cron_schedule);
  } catch (error) {
    throw new ConflictError("conflict", `Schedule ${schedule.name} has no valid cron to test: ${messageOf(error)}`);
  }
  const [next] = nextCronTicks(fields, schedule.execution_timezone, now, 1);
  if (next === undefined)
    throw new ConflictError("conflict", `Schedule ${schedule.name} has no upcoming tick to test.`);
  return next;
}

export async function dryRunSchedule(
  evaluation: EvaluationDeps,
  location: string,
  schedule: ScheduleDefinition,
  scheduledTime: number,
): Promise<InstigatorTestReply> {
  const base = {
    location,
    name: schedule.name,
    scheduled_time: scheduledTime,
    cursor_before: null,
    cursor_after: null,
  };
  try {
    // As the scheduler would: only a schedule with an evaluate function asks its code location.
    const reply = schedule.evaluated
      ? await evaluateRemotely(
          evaluation,
          location,
          `/schedules/${encodeURIComponent(schedule.name)}/evaluate`,
          { scheduled_time: scheduledTime },
          ScheduleEvaluateReplySchema,
        )
      : STATIC_SCHEDULE_REPLY;
    if ("skip_reason" in reply) return { ...base, run_requests: [], skip_reason: reply.skip_reason, error: null };
    // Each request as the run it would launch: the schedule's config, tags and run key filled in.
    const requests = reply.run_requests.map((request, index) => {
      const { runKey, submit } = scheduledRun(schedule, scheduledTime, request, index);
      return {
        run_key: runKey,
        job: submit.job,
        tags: submit.tags,
        ...(submit.run_config ? { run_config: submit.run_config } : {}),
      };
    });
    return {
      ...base,
      run_requests: await describeRequests(evaluation.db, "SCHEDULE", location, schedule.name, schedule.job, requests),
      skip_reason: null,
      error: null,
    };
  } catch (error) {
    return { ...base, run_requests: [], skip_reason: null, error: messageOf(error) };
  }
}

export async function dryRunSensor(
  evaluation: EvaluationDeps,
  location: string,
  sensor: SensorDefinition,
  cursor: string | null,
  lastTickAt: number | null,
): Promise<InstigatorTestReply> {
  if (sensor.run_status) {
    // Its function is handed one run that reached the status; a test has no such run to hand it.
    throw new ConflictError(
      "conflict",
      `Sensor ${sensor.name} is a run status sensor: it is evaluated once per run reaching ${sensor.run_status}, so there is nothing to test it with.`,
    );
  }
  const base = { location, name: sensor.name, scheduled_time: null, cursor_before: cursor };
  try {
    const reply = await evaluateRemotely(
      evaluation,
      location,
      `/sensors/${encodeURIComponent(sensor.name)}/evaluate`,
      { cursor, last_tick_at: lastTickAt },
      SensorEvaluateReplySchema,
    );
    const requests = await describeRequests(
      evaluation.db,
      "SENSOR",
      location,
      sensor.name,
      sensor.job,
      reply.run_requests,
    );
    return {
      ...base,
      cursor_after: reply.cursor === undefined ? cursor : reply.cursor,
      run_requests: requests,
      skip_reason: reply.skip_reason ?? null,
      error: null,
    };
  } catch (error) {
    return { ...base, cursor_after: cursor, run_requests: [], skip_reason: null, error: messageOf(error) };
  }
}
