/** Schedules and sensors: list, start and stop, tick history, a dry-run test, and a sensor's cursor. Both kinds share one shape. */
import { z } from "zod";
import { LocationNameSchema } from "../api";
import {
  InstigatorTestReplySchema,
  ScheduleListSchema,
  ScheduleReplySchema,
  ScheduleTestBodySchema,
  ScheduleTickListSchema,
  SensorCursorBodySchema,
  SensorListSchema,
  SensorReplySchema,
  SensorTestBodySchema,
  SensorTickListSchema,
} from "../automation";
import { type ApiRoute, InstigatorParams, json } from "./route-table";

/** Schedules and sensors are named by name; `?location=` tells two of the same name apart. */
export const InstigatorQuerySchema = z.object({
  location: LocationNameSchema.optional().describe("the code location, when two locations have one of this name"),
});
export const TickListQuerySchema = InstigatorQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("most recent ticks first"),
});

function automationRoutes(kind: "schedules" | "sensors"): ApiRoute[] {
  const one = kind === "schedules" ? "schedule" : "sensor";
  const Cap = kind === "schedules" ? "Schedule" : "Sensor";
  const list = kind === "schedules" ? ScheduleListSchema : SensorListSchema;
  const reply = kind === "schedules" ? ScheduleReplySchema : SensorReplySchema;
  const ticks = kind === "schedules" ? ScheduleTickListSchema : SensorTickListSchema;
  const common = { tag: "automation" } as const;
  return [
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}`,
      id: `list${Cap}s`,
      summary: `Every ${one} of every loaded code location, with its status and last tick`,
      replies: { 200: json(list, `the ${kind}`) },
    },
    ...(["start", "stop"] as const).map(
      (verb): ApiRoute => ({
        ...common,
        auth: "operator",
        method: "POST",
        path: `/api/${kind}/{name}/${verb}`,
        id: `${verb}${Cap}`,
        summary: `${verb === "start" ? "Start" : "Stop"} a ${one} (its status becomes ${verb === "start" ? "RUNNING" : "STOPPED"})`,
        params: InstigatorParams,
        query: InstigatorQuerySchema,
        replies: { 200: json(reply, `the ${one} afterwards`) },
        errors: [404, 409],
      }),
    ),
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}/{name}/ticks`,
      id: `list${Cap}Ticks`,
      summary: `A ${one}'s tick history, newest first`,
      params: InstigatorParams,
      query: TickListQuerySchema,
      replies: { 200: json(ticks, "the ticks") },
      errors: [404, 409],
    },
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}/{name}`,
      id: `get${Cap}`,
      summary: `One ${one}, with its status and last tick`,
      params: InstigatorParams,
      query: InstigatorQuerySchema,
      replies: { 200: json(reply, `the ${one}`) },
      errors: [404, 409],
    },
    {
      ...common,
      // It calls the code location's evaluation, so it needs what start and stop need.
      auth: "operator",
      method: "POST",
      path: `/api/${kind}/{name}/test`,
      id: `test${Cap}`,
      summary:
        kind === "schedules"
          ? "Evaluate one tick (the next, or `scheduled_time`) without launching or storing anything"
          : "Evaluate the sensor (with its cursor, or `cursor`) without launching or storing anything",
      params: InstigatorParams,
      query: InstigatorQuerySchema,
      body: kind === "schedules" ? ScheduleTestBodySchema : SensorTestBodySchema,
      replies: { 200: json(InstigatorTestReplySchema, "run requests, skip reason or the evaluation's error") },
      errors: [404, 409],
    },
    ...(kind === "sensors"
      ? [
          {
            ...common,
            auth: "operator",
            method: "PUT",
            path: "/api/sensors/{name}/cursor",
            id: "setSensorCursor",
            summary: "Set a sensor's cursor, or reset it with null",
            params: InstigatorParams,
            query: InstigatorQuerySchema,
            body: SensorCursorBodySchema,
            replies: { 200: json(reply, "the sensor afterwards") },
            errors: [404, 409],
          } satisfies ApiRoute,
        ]
      : []),
  ];
}

export const AUTOMATION_ROUTES: readonly ApiRoute[] = [
  ...automationRoutes("schedules"),
  ...automationRoutes("sensors"),
];
