/** API calls of the automation area: schedules and sensors, start/stop, tick history. */
import {
  ScheduleListSchema,
  ScheduleReplySchema,
  ScheduleTickListSchema,
  SensorListSchema,
  SensorReplySchema,
  SensorTickListSchema,
} from "../../protocol/automation";
import { apiRequest } from "./client";

const enc = encodeURIComponent;
const where = (location: string) => `?location=${enc(location)}`;

export const listSchedules = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/schedules", ScheduleListSchema, undefined, { signal });
export const setScheduleRunning = async (location: string, name: string, running: boolean) =>
  (
    await apiRequest(
      "POST",
      `/api/schedules/${enc(name)}/${running ? "start" : "stop"}${where(location)}`,
      ScheduleReplySchema,
    )
  ).schedule;
export const listScheduleTicks = (location: string, name: string, signal?: AbortSignal) =>
  apiRequest("GET", `/api/schedules/${enc(name)}/ticks${where(location)}`, ScheduleTickListSchema, undefined, {
    signal,
  });

export const listSensors = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/sensors", SensorListSchema, undefined, { signal });
export const setSensorRunning = async (location: string, name: string, running: boolean) =>
  (
    await apiRequest(
      "POST",
      `/api/sensors/${enc(name)}/${running ? "start" : "stop"}${where(location)}`,
      SensorReplySchema,
    )
  ).sensor;
export const listSensorTicks = (location: string, name: string, signal?: AbortSignal) =>
  apiRequest("GET", `/api/sensors/${enc(name)}/ticks${where(location)}`, SensorTickListSchema, undefined, { signal });
