/**
 * Sensors: Dagster's `@sensor` and `@run_status_sensor`. A sensor's function is evaluated by the
 * code location server when the control plane asks (no more often than its minimum interval),
 * with the cursor it returned last time; it returns run requests (a `runKey` launches once per
 * sensor, forever), a reason to skip, and optionally a new cursor. A run status sensor is
 * evaluated once for each run of its monitored jobs that reaches SUCCESS or FAILURE.
 */
import type {
  RunRequest,
  SensorDefinition,
  SensorEvaluateReply,
  SensorEvaluateRequest,
  SensorRun,
} from "../../protocol";
import type { Job } from "./job";

export interface SensorContext {
  /** What the last successful evaluation returned as `cursor`; null at first. */
  readonly cursor: string | null;
  readonly lastTickAt: Date | null;
}

export type SensorResult =
  | { readonly runRequests?: readonly RunRequest[]; readonly skipReason?: string; readonly cursor?: string | null }
  | readonly RunRequest[]
  | null
  | undefined;

type SensorFn = (context: SensorContext) => SensorResult | Promise<SensorResult>;

export interface SensorSpec {
  name: string;
  /** The job its run requests launch when they name none. */
  job?: Job | string;
  /** Absent: the instance's `sensors.minimum_interval_seconds` (30 s unless configured, as Dagster). Below 60 is honored. */
  minimumIntervalSeconds?: number;
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  evaluate: SensorFn;
}

export interface RunStatusSensorContext {
  readonly run: SensorRun;
}
type RunStatusFn = (
  context: RunStatusSensorContext,
) =>
  | RunRequest
  | readonly RunRequest[]
  | null
  | undefined
  | Promise<RunRequest | readonly RunRequest[] | null | undefined>;

export interface RunStatusSensorSpec {
  name: string;
  runStatus: "SUCCESS" | "FAILURE";
  /** Jobs to watch; absent: every job of the instance. */
  monitoredJobs?: readonly (Job | string)[];
  job?: Job | string;
  minimumIntervalSeconds?: number;
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  evaluate: RunStatusFn;
}

export type Sensor = SensorDefinition & {
  readonly evaluate?: SensorFn;
  readonly evaluateRun?: RunStatusFn;
};

const jobName = (job: Job | string) => (typeof job === "string" ? job : job.name);

export function defineSensor(spec: SensorSpec): Sensor {
  return {
    name: spec.name,
    job: spec.job === undefined ? null : jobName(spec.job),
    minimum_interval_seconds: spec.minimumIntervalSeconds ?? null,
    default_status: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    evaluate: spec.evaluate,
  };
}

export function defineRunStatusSensor(spec: RunStatusSensorSpec): Sensor {
  return {
    name: spec.name,
    job: spec.job === undefined ? null : jobName(spec.job),
    minimum_interval_seconds: spec.minimumIntervalSeconds ?? null,
    default_status: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    run_status: spec.runStatus,
    monitored_jobs: spec.monitoredJobs ? spec.monitoredJobs.map(jobName) : null,
    evaluateRun: spec.evaluate,
  };
}

/** Runs a sensor's function once and puts its answer in the wire shape. */
export async function evaluateSensor(sensor: Sensor, request: SensorEvaluateRequest): Promise<SensorEvaluateReply> {
  if (request.run) {
    if (!sensor.evaluateRun) throw new Error(`sensor "${sensor.name}" is not a run status sensor`);
    const result = await sensor.evaluateRun({ run: request.run });
    if (result === null || result === undefined) return { run_requests: [] };
    return { run_requests: Array.isArray(result) ? [...result] : [result as RunRequest] };
  }
  if (!sensor.evaluate) throw new Error(`sensor "${sensor.name}" is a run status sensor; it needs a run`);
  const result = await sensor.evaluate({
    cursor: request.cursor,
    lastTickAt: request.last_tick_at === null ? null : new Date(request.last_tick_at),
  });
  if (result === null || result === undefined) return { run_requests: [] };
  if (Array.isArray(result)) return { run_requests: [...result] };
  const shaped = result as Exclude<SensorResult, readonly RunRequest[] | null | undefined>;
  return {
    run_requests: [...(shaped.runRequests ?? [])],
    ...(shaped.skipReason !== undefined ? { skip_reason: shaped.skipReason } : {}),
    ...(shaped.cursor !== undefined ? { cursor: shaped.cursor } : {}),
  };
}
