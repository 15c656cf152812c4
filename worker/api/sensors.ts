/**
 * `/api/sensors` (DESIGN.md §5.1): every sensor of every LOADED code location with its status,
 * cursor and last tick; start and stop; its tick history (runs, skip reasons, errors). Reading needs viewer, start and stop operator.
 * A sensor is named by its name, with `?location=` when two locations use the same name.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { SensorListSchema, SensorReplySchema, SensorSummary, SensorTickListSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { type FoundInstigator, findInstigator, listInstigators } from "../code-locations/instigators";
import { wakeDaemonAt } from "../daemon/daemon-wake";
import type { SensorsConfig } from "../daemon/sensor-timing";
import { sensorIntervalMs } from "../daemon/sensor-timing";
import { loadInstanceConfig } from "../instance/load-instance-config";
import type { Database } from "../storage/db";
import { stateKey } from "../storage/instigator-state-key";
import type { SensorStateRow } from "../storage/sensors-repo";
import { listSensorStates, listSensorTicks, setSensorStatus } from "../storage/sensors-repo";

const MAX_TICKS = 100;
type Found = FoundInstigator<"sensors">;

async function summarize(
  db: Database,
  found: Found,
  state: SensorStateRow | undefined,
  config: SensorsConfig,
): Promise<SensorSummary> {
  const [last] = await listSensorTicks(db, found.location, found.definition.name, 1);
  return {
    ...found.definition,
    minimum_interval_seconds: sensorIntervalMs(found.definition, config) / 1000,
    location: found.location,
    status: state?.status ?? found.definition.default_status,
    cursor: state?.cursor ?? null,
    last_tick: last ?? null,
  };
}

function setStatus(status: "RUNNING" | "STOPPED") {
  return async (c: Context<AppEnv>) => {
    const { db, now } = c.get("deps");
    const found = await findInstigator(db, "sensors", c.req.param("name") ?? "", c.req.query("location"));
    await setSensorStatus(db, found.location, found.definition.name, status, now());
    // A started sensor is due at once: wake the daemon now rather than at the next cron minute.
    if (status === "RUNNING") await wakeDaemonAt(c.env, now());
    const state = (await listSensorStates(db)).get(stateKey(found.location, found.definition.name));
    const { config } = await loadInstanceConfig(c.env);
    return c.json({
      sensor: await summarize(db, found, state, config.sensors),
    } satisfies z.infer<typeof SensorReplySchema>);
  };
}

export const sensorRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const [all, states, { config }] = await Promise.all([
      listInstigators(db, "sensors"),
      listSensorStates(db),
      loadInstanceConfig(c.env),
    ]);
    const sensors = await Promise.all(
      all.map((f) => summarize(db, f, states.get(stateKey(f.location, f.definition.name)), config.sensors)),
    );
    return c.json({ sensors } satisfies z.infer<typeof SensorListSchema>);
  })
  .post("/:name/start", setStatus("RUNNING"))
  .post("/:name/stop", setStatus("STOPPED"))
  .get("/:name/ticks", async (c) => {
    const { db } = c.get("deps");
    const found = await findInstigator(db, "sensors", c.req.param("name"), c.req.query("location"));
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), MAX_TICKS);
    const ticks = await listSensorTicks(db, found.location, found.definition.name, limit);
    return c.json({ ticks } satisfies z.infer<typeof SensorTickListSchema>);
  });
