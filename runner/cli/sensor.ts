/**
 * `flightdeck sensor list|start|stop|ticks|cursor` (Dagster's `dagster sensor ...`): every sensor
 * of every loaded code location with its status, interval, cursor and last tick. `cursor` prints
 * the sensor's current cursor; the API has no route to set one yet, so Dagster's
 * `sensor cursor --set/--delete` is not offered.
 */
import { SensorListSchema, SensorReplySchema, SensorTickListSchema } from "../../protocol";
import type { ApiClient } from "./api-client";
import type { Noun, Verb } from "./command";
import { limitFlag, stringFlag } from "./command";
import { CliError } from "./errors";
import { LOCATION_FLAG, statusVerb } from "./instigator-verbs";
import { localTime, paintStatus, printTable } from "./output";
import { shortRunId } from "./run-id";

async function listSensors(api: ApiClient, location: string | undefined) {
  const { sensors } = await api.request("GET", "/api/sensors", SensorListSchema);
  return sensors.filter((s) => location === undefined || s.location === location);
}

const list: Verb = {
  name: "list",
  usage: "[--location <name>]",
  summary: "Every sensor, with its status, interval and last tick",
  flags: LOCATION_FLAG,
  args: { min: 0, max: 0 },
  async run({ client, flags, json, out }) {
    const sensors = await listSensors(client(), stringFlag(flags, "location"));
    if (json) {
      out.json({ sensors });
      return 0;
    }
    if (sensors.length === 0) out.line("No sensors in the loaded code locations.");
    printTable(
      out,
      ["SENSOR", "JOB", "STATUS", "EVERY", "LAST TICK", "CURSOR"],
      sensors.map((s) => [
        `${s.location}/${s.name}`,
        s.job ?? "-",
        paintStatus(out, s.status),
        `${s.minimum_interval_seconds}s`,
        s.last_tick ? `${localTime(s.last_tick.started_at)} ${paintStatus(out, s.last_tick.status)}` : "-",
        s.cursor ?? "-",
      ]),
    );
    return 0;
  },
};

const ticks: Verb = {
  name: "ticks",
  usage: "<name> [--location <name>] [--limit n]",
  summary: "A sensor's tick history, newest first",
  flags: { ...LOCATION_FLAG, limit: { type: "string" } },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const reply = await client().request(
      "GET",
      `/api/sensors/${encodeURIComponent(args[0] ?? "")}/ticks`,
      SensorTickListSchema,
      { query: { location: stringFlag(flags, "location"), limit: limitFlag(flags, 20, 100) } },
    );
    if (json) {
      out.json(reply);
      return 0;
    }
    if (reply.ticks.length === 0) out.line("No ticks yet.");
    printTable(
      out,
      ["STARTED", "STATUS", "RUNS", "CURSOR", "REASON"],
      reply.ticks.map((t) => [
        localTime(t.started_at),
        paintStatus(out, t.status),
        t.run_ids.map(shortRunId).join(" ") || "-",
        t.cursor ?? "-",
        t.error ?? t.skip_reason ?? "",
      ]),
    );
    return 0;
  },
};

const cursor: Verb = {
  name: "cursor",
  usage: "<name> [--location <name>]",
  summary: "A sensor's current cursor",
  flags: LOCATION_FLAG,
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const name = args[0] ?? "";
    const found = (await listSensors(client(), stringFlag(flags, "location"))).filter((s) => s.name === name);
    const [sensor] = found;
    if (!sensor) throw new CliError(`No loaded code location has a sensor named "${name}".`);
    if (found.length > 1) {
      throw new CliError(
        `Several code locations have a sensor "${name}" (${found.map((s) => s.location).join(", ")}); add --location.`,
      );
    }
    if (json) out.json({ location: sensor.location, sensor: sensor.name, cursor: sensor.cursor });
    else out.line(sensor.cursor ?? "(no cursor)");
    return 0;
  },
};

export const sensorNoun: Noun = {
  name: "sensor",
  summary: "List, start and stop sensors; their ticks and cursor",
  verbs: [
    list,
    statusVerb("sensors", "start", SensorReplySchema, (r) => r.sensor),
    statusVerb("sensors", "stop", SensorReplySchema, (r) => r.sensor),
    ticks,
    cursor,
  ],
};
