/**
 * Evaluating a schedule tick or a sensor inside the code location server (Dagster's code server
 * `ExternalScheduleExecution` / `ExternalSensorExecution`): finds it in the location by name,
 * parses the control plane's request with the protocol's schema and runs its function.
 */
import {
  type ScheduleEvaluateReply,
  ScheduleEvaluateRequestSchema,
  type SensorEvaluateReply,
  SensorEvaluateRequestSchema,
} from "../../protocol";
import type { CodeLocation } from "./code-location";
import { evaluateSchedule, type Schedule } from "./schedule";
import { evaluateSensor, type Sensor } from "./sensor";

/** Errors the server answers with a 4xx; they carry the status because the bundle's class identity is not the server's. */
export class InstigatorNotFoundError extends Error {
  readonly httpStatus = 404;
}
export class InstigatorRequestError extends Error {
  readonly httpStatus = 400;
}

export async function evaluateInstigator(
  location: CodeLocation,
  kind: "schedules" | "sensors",
  name: string,
  body: unknown,
): Promise<ScheduleEvaluateReply | SensorEvaluateReply> {
  if (kind === "schedules") {
    const schedule = location.schedules.find((s) => s.name === name) as Schedule | undefined;
    if (!schedule) throw new InstigatorNotFoundError(`schedule "${name}" is not in this code location`);
    const parsed = ScheduleEvaluateRequestSchema.safeParse(body);
    if (!parsed.success) throw new InstigatorRequestError(`the evaluation request is invalid: ${parsed.error.message}`);
    return evaluateSchedule(schedule, parsed.data.scheduled_time);
  }
  const sensor = location.sensors.find((s) => s.name === name) as Sensor | undefined;
  if (!sensor) throw new InstigatorNotFoundError(`sensor "${name}" is not in this code location`);
  const parsed = SensorEvaluateRequestSchema.safeParse(body);
  if (!parsed.success) throw new InstigatorRequestError(`the evaluation request is invalid: ${parsed.error.message}`);
  return evaluateSensor(sensor, parsed.data);
}
