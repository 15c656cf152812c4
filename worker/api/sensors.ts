/**
 * `/api/sensors` (DESIGN.md §5.1): every sensor of every LOADED code location with its status,
 * cursor and last tick; start and stop; its tick history (runs, skip reasons, errors); a test
 * evaluation that launches and stores nothing (dry-run.ts); and an operator's cursor, set or reset
 * (Dagster's `dagster sensor cursor --set/--delete`). Reading needs viewer; start, stop, test and
 * cursor need operator (the route table, protocol/api-routes.ts).
 * A sensor is named by its name, with `?location=` when two locations use the same name.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type {
  InstigatorTestReply,
  SensorDefinition,
  SensorListSchema,
  SensorReplySchema,
  SensorSummary,
  SensorTickListSchema,
} from "../../protocol";
import { SensorCursorBodySchema, SensorTestBodySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { type FoundInstigator, findInstigator, listInstigators } from "../code-locations/instigators";
import { wakeDaemonAt } from "../daemon/daemon-wake";
import { dryRunSensor } from "../daemon/dry-run";
import type { SensorsConfig } from "../daemon/sensor-timing";
import { sensorIntervalMs } from "../daemon/sensor-timing";
import { ValidationFailedError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { loadInstanceConfig } from "../instance/load-instance-config";
import type { Database } from "../storage/db";
import { stateKey } from "../storage/instigator-state-key";
import type { SensorStateRow } from "../storage/sensors-repo";
import { listSensorStates, listSensorTicks, setSensorCursor, setSensorStatus } from "../storage/sensors-repo";

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

const findSensor = (c: Context<AppEnv>) =>
  findInstigator(c.get("deps").db, "sensors", c.req.param("name") ?? "", c.req.query("location"));

async function sensorReply(c: Context<AppEnv>, found: Found) {
  const { db } = c.get("deps");
  const state = (await listSensorStates(db)).get(stateKey(found.location, found.definition.name));
  const { config } = await loadInstanceConfig(c.env);
  return c.json({
    sensor: await summarize(db, found, state, config.sensors),
  } satisfies z.infer<typeof SensorReplySchema>);
}

function setStatus(status: "RUNNING" | "STOPPED") {
  return async (c: Context<AppEnv>) => {
    const { db, now } = c.get("deps");
    const found = await findSensor(c);
    await setSensorStatus(db, found.location, found.definition.name, status, now());
    // A started sensor is due at once: wake the daemon now rather than at the next cron minute.
    if (status === "RUNNING") await wakeDaemonAt(c.env, now());
    return sensorReply(c, found);
  };
}

/** A run status sensor's cursor is the control plane's own: the `updated_at` (ms) of the last run it handled. */
function checkCursorFor(sensor: SensorDefinition, cursor: string | null) {
  if (sensor.run_status && cursor !== null && !/^\d{1,15}$/.test(cursor)) {
    throw new ValidationFailedError(
      `Sensor ${sensor.name} is a run status sensor: its cursor is a time in ms since 1970 (the last run it handled), not "${cursor.slice(0, 40)}".`,
      [{ path: "cursor", message: "expected digits: a time in ms since 1970" }],
    );
  }
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
  .get("/:name", async (c) => sensorReply(c, await findSensor(c)))
  .post("/:name/start", setStatus("RUNNING"))
  .post("/:name/stop", setStatus("STOPPED"))
  .get("/:name/ticks", async (c) => {
    const { db } = c.get("deps");
    const found = await findInstigator(db, "sensors", c.req.param("name"), c.req.query("location"));
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), MAX_TICKS);
    const ticks = await listSensorTicks(db, found.location, found.definition.name, limit);
    return c.json({ ticks } satisfies z.infer<typeof SensorTickListSchema>);
  })
  .post("/:name/test", async (c) => {
    const deps = c.get("deps");
    const { db } = deps;
    const found = await findSensor(c);
    const body = await readJsonBody(c, SensorTestBodySchema);
    const state = (await listSensorStates(db)).get(stateKey(found.location, found.definition.name));
    const cursor = body.cursor === undefined ? (state?.cursor ?? null) : body.cursor;
    const reply: InstigatorTestReply = await dryRunSensor(
      deps.evaluation,
      found.location,
      found.definition,
      cursor,
      state?.lastTickAt ?? null,
    );
    return c.json(reply);
  })
  .put("/:name/cursor", async (c) => {
    const { db, now } = c.get("deps");
    const found = await findSensor(c);
    const { cursor } = await readJsonBody(c, SensorCursorBodySchema);
    checkCursorFor(found.definition, cursor);
    await setSensorCursor(db, found.location, found.definition.name, cursor, now());
    return sensorReply(c, found);
  });
