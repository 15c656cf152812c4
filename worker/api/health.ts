/** `GET /api/health`: liveness and version, the one route without auth (Dagster's `/server_info`). */
import { Hono } from "hono";
import type { z } from "zod";
import packageJson from "../../package.json";
import type { HealthSchema } from "../../protocol";
import type { AppEnv } from "../app-env";

export const healthRoutes = new Hono<AppEnv>().get("/", (c) =>
  c.json({ status: "ok", version: packageJson.version } satisfies z.infer<typeof HealthSchema>),
);
