/**
 * `GET /api/instance`: the effective instance configuration, each leaf with where its value comes
 * from (DESIGN.md §4). The layering itself lives in instance/load-instance-config.ts.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadInstanceConfig } from "../instance/load-instance-config";

export const instanceRoutes = new Hono<AppEnv>().get("/", async (c) => {
  return c.json(await loadInstanceConfig(c.env));
});
