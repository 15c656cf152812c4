/** API calls of the automation area: schedules and sensors, start/stop, tick history, test, a sensor's cursor. */
import {
  InstigatorTestReplySchema,
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
export const listScheduleTicks = (location: string, name: string, signal?: AbortSignal, limit = 20) =>
  apiRequest(
    "GET",
    `/api/schedules/${enc(name)}/ticks${where(location)}&limit=${limit}`,
    ScheduleTickListSchema,
    undefined,
    { signal },
  );

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
export const listSensorTicks = (location: string, name: string, signal?: AbortSignal, limit = 20) =>
  apiRequest(
    "GET",
    `/api/sensors/${enc(name)}/ticks${where(location)}&limit=${limit}`,
    SensorTickListSchema,
    undefined,
    {
      signal,
    },
  );

export const getSchedule = async (location: string, name: string, signal?: AbortSignal) =>
  (await apiRequest("GET", `/api/schedules/${enc(name)}${where(location)}`, ScheduleReplySchema, undefined, { signal }))
    .schedule;
export const getSensor = async (location: string, name: string, signal?: AbortSignal) =>
  (await apiRequest("GET", `/api/sensors/${enc(name)}${where(location)}`, SensorReplySchema, undefined, { signal }))
    .sensor;
/** Evaluates one tick (the next when `scheduledTime` is absent) without launching anything. */
export const testSchedule = (location: string, name: string, scheduledTime?: number) =>
  apiRequest(
    "POST",
    `/api/schedules/${enc(name)}/test${where(location)}`,
    InstigatorTestReplySchema,
    scheduledTime === undefined ? {} : { scheduled_time: scheduledTime },
  );
/** Evaluates the sensor with `cursor` (null: none) without launching anything. */
export const testSensor = (location: string, name: string, cursor: string | null) =>
  apiRequest("POST", `/api/sensors/${enc(name)}/test${where(location)}`, InstigatorTestReplySchema, { cursor });
/** Sets the sensor's cursor; null resets it. */
export const setSensorCursor = async (location: string, name: string, cursor: string | null) =>
  (await apiRequest("PUT", `/api/sensors/${enc(name)}/cursor${where(location)}`, SensorReplySchema, { cursor })).sensor;
