/**
 * `flightdeck schedule list|start|stop|ticks` (Dagster's `dagster schedule list|start|stop` and
 * the tick history of its UI): every schedule of every loaded code location, its cron in words,
 * its next tick in the local time zone and its last tick.
 */
import { ScheduleListSchema, ScheduleReplySchema, ScheduleTickListSchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { stringFlag } from "./command";
import { previewVerb } from "./instigator-preview";
import { LOCATION_FLAG, statusVerb, ticksVerb } from "./instigator-verbs";
import { localTime, paintStatus, printTable } from "./output";

const list: Verb = {
  name: "list",
  usage: "[--location <name>]",
  summary: "Every schedule, with its status, next tick and last tick",
  flags: LOCATION_FLAG,
  args: { min: 0, max: 0 },
  async run({ client, flags, json, out }) {
    const location = stringFlag(flags, "location");
    const reply = await client().request("GET", "/api/schedules", ScheduleListSchema);
    const schedules = reply.schedules.filter((s) => location === undefined || s.location === location);
    if (json) {
      out.json({ schedules });
      return 0;
    }
    if (schedules.length === 0) out.line("No schedules in the loaded code locations.");
    printTable(
      out,
      ["SCHEDULE", "JOB", "STATUS", "CRON", "NEXT TICK", "LAST TICK"],
      schedules.map((s) => [
        `${s.location}/${s.name}`,
        s.job,
        paintStatus(out, s.status),
        `${s.cron_schedule} (${s.execution_timezone})`,
        s.status === "RUNNING" ? localTime(s.next_ticks[0]) : "-",
        s.last_tick ? `${localTime(s.last_tick.scheduled_time)} ${paintStatus(out, s.last_tick.status)}` : "-",
      ]),
    );
    return 0;
  },
};

const ticks = ticksVerb("schedules", ScheduleTickListSchema, { header: "SCHEDULED FOR", at: (t) => t.scheduled_time });

export const scheduleNoun: Noun = {
  name: "schedule",
  summary: "List, start, stop and preview schedules; their ticks",
  verbs: [
    list,
    statusVerb("schedules", "start", ScheduleReplySchema, (r) => r.schedule),
    statusVerb("schedules", "stop", ScheduleReplySchema, (r) => r.schedule),
    ticks,
    previewVerb("schedules"),
  ],
};
