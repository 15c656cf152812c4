/**
 * Schedules: Dagster's `ScheduleDefinition` / `@schedule`. A schedule names a job and a cron in an
 * IANA time zone; each tick launches one run with its static run config and tags, or — when it has
 * an `evaluate` function — whatever the function asks for that tick (run requests, or a reason to
 * skip). The control plane decides when ticks are due; the code location server evaluates them
 * (`POST /schedules/:name/evaluate`).
 */
import type { RunConfig, RunRequest, ScheduleDefinition, ScheduleEvaluateReply, Tags } from "../../protocol";
import { DefinitionError } from "./graph-validation";
import type { Job } from "./job";

export interface ScheduleContext {
  /** The tick's time, as the cron in the schedule's time zone put it. */
  readonly scheduledTime: Date;
}

/** What an `evaluate` function returns: run requests (one, several, none) or `{ skip: reason }`. */
export type ScheduleResult = RunRequest | readonly RunRequest[] | { readonly skip: string } | null | undefined;

export interface ScheduleSpec {
  name: string;
  job: Job | string;
  /** Five cron fields, e.g. "0 9 * * 1-5"; also @hourly, @daily, @weekly, @monthly. */
  cron: string;
  /** IANA time zone the cron is read in; default UTC. */
  timezone?: string;
  /** RUNNING schedules tick from the moment the control plane loads them; default STOPPED, as Dagster. */
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  runConfig?: RunConfig;
  tags?: Tags;
  evaluate?: (context: ScheduleContext) => ScheduleResult | Promise<ScheduleResult>;
}

export type Schedule = ScheduleDefinition & {
  readonly evaluate?: (context: ScheduleContext) => ScheduleResult | Promise<ScheduleResult>;
};

export function defineSchedule(spec: ScheduleSpec): Schedule {
  const timezone = spec.timezone ?? "UTC";
  const problems: string[] = [];
  if (spec.cron.trim().split(/\s+/).length !== 5 && !spec.cron.trim().startsWith("@")) {
    problems.push(`cron "${spec.cron}" needs five fields (minute hour day month weekday)`);
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    problems.push(`timezone "${timezone}" is not an IANA time zone`);
  }
  if (problems.length > 0) throw new DefinitionError(`schedule "${spec.name}"`, problems);
  return {
    name: spec.name,
    job: typeof spec.job === "string" ? spec.job : spec.job.name,
    cron_schedule: spec.cron,
    execution_timezone: timezone,
    default_status: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    ...(spec.runConfig ? { run_config: spec.runConfig } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(spec.evaluate ? { evaluated: true, evaluate: spec.evaluate } : {}),
  };
}

export function isRunRequestList(result: unknown): result is readonly RunRequest[] {
  return Array.isArray(result);
}

/** Runs a schedule's function for one tick and puts its answer in the wire shape. */
export async function evaluateSchedule(schedule: Schedule, scheduledTime: number): Promise<ScheduleEvaluateReply> {
  if (!schedule.evaluate) return { run_requests: [{}] };
  const result = await schedule.evaluate({ scheduledTime: new Date(scheduledTime) });
  if (result === null || result === undefined) return { run_requests: [] };
  if (isRunRequestList(result)) return { run_requests: [...result] };
  if ("skip" in result && typeof result.skip === "string") return { skip_reason: result.skip };
  return { run_requests: [result as RunRequest] };
}
