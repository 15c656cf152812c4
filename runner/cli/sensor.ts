/**
 * `flightdeck sensor list|start|stop|ticks|preview|cursor` (Dagster's `dagster sensor ...`): every
 * sensor of every loaded code location with its status, interval, cursor and last tick. `cursor`
 * prints the sensor's cursor, or sets it with `--set <value>` or resets it with `--reset`
 * (Dagster's `dagster sensor cursor --set/--delete`; `--delete` is taken too).
 */
import { SensorListSchema, SensorReplySchema, SensorTickListSchema } from "../../protocol";
import type { ApiClient } from "./api-client";
import type { Noun, Verb } from "./command";
import { stringFlag } from "./command";
import { UsageError } from "./errors";
import { previewVerb } from "./instigator-preview";
import { LOCATION_FLAG, statusVerb, ticksVerb } from "./instigator-verbs";
import { localTime, paintStatus, printTable } from "./output";

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

const ticks = ticksVerb("sensors", SensorTickListSchema, { header: "STARTED", at: (t) => t.started_at }, [
  { header: "CURSOR", cell: (t) => t.cursor ?? "-" },
]);

const cursor: Verb = {
  name: "cursor",
  usage: "<name> [--set <value> | --reset] [--location <name>]",
  summary: "A sensor's cursor: print it, set it, or reset it",
  details:
    "  --set <value>  the cursor the sensor's next tick is evaluated with\n  --reset        clear it, as if no tick ever set one (also --delete)",
  flags: { ...LOCATION_FLAG, set: { type: "string" }, reset: { type: "boolean" }, delete: { type: "boolean" } },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const path = `/api/sensors/${encodeURIComponent(args[0] ?? "")}`;
    const query = { location: stringFlag(flags, "location") };
    const value = stringFlag(flags, "set");
    const reset = flags.reset === true || flags.delete === true;
    if (value !== undefined && reset) throw new UsageError("give --set <value> or --reset, not both");
    const { sensor } =
      value === undefined && !reset
        ? await client().request("GET", path, SensorReplySchema, { query })
        : await client().request("PUT", `${path}/cursor`, SensorReplySchema, {
            query,
            body: { cursor: value ?? null },
          });
    if (json) out.json({ location: sensor.location, sensor: sensor.name, cursor: sensor.cursor });
    else if (value !== undefined)
      out.line(`The cursor of ${sensor.location}/${sensor.name} is now ${sensor.cursor ?? ""}.`);
    else if (reset) out.line(`The cursor of ${sensor.location}/${sensor.name} is reset.`);
    else out.line(sensor.cursor ?? "(no cursor)");
    return 0;
  },
};

export const sensorNoun: Noun = {
  name: "sensor",
  summary: "List, start, stop and preview sensors; their ticks and cursor",
  verbs: [
    list,
    statusVerb("sensors", "start", SensorReplySchema, (r) => r.sensor),
    statusVerb("sensors", "stop", SensorReplySchema, (r) => r.sensor),
    ticks,
    previewVerb("sensors"),
    cursor,
  ],
};
