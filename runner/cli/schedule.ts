/**
 * `flightdeck schedule list|start|stop|ticks` (Dagster's `dagster schedule list|start|stop` and
 * the tick history of its UI): every schedule of every loaded code location, its cron in words,
 * its next tick in the local time zone and its last tick.
 */
import { ScheduleListSchema, ScheduleReplySchema, ScheduleTickListSchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { limitFlag, stringFlag } from "./command";
import { previewVerb } from "./instigator-preview";
import { LOCATION_FLAG, statusVerb } from "./instigator-verbs";
import { localTime, paintStatus, printTable } from "./output";
import { shortRunId } from "./run-id";

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

const ticks: Verb = {
  name: "ticks",
  usage: "<name> [--location <name>] [--limit n]",
  summary: "A schedule's tick history, newest first",
  flags: { ...LOCATION_FLAG, limit: { type: "string" } },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const reply = await client().request(
      "GET",
      `/api/schedules/${encodeURIComponent(args[0] ?? "")}/ticks`,
      ScheduleTickListSchema,
      { query: { location: stringFlag(flags, "location"), limit: limitFlag(flags, 20, 100) } },
    );
    if (json) {
      out.json(reply);
      return 0;
    }
    if (reply.ticks.length === 0) out.line("No ticks yet.");
    printTable(
      out,
      ["SCHEDULED FOR", "STATUS", "RUNS", "REASON"],
      reply.ticks.map((t) => [
        localTime(t.scheduled_time),
        paintStatus(out, t.status),
        t.run_ids.map(shortRunId).join(" ") || "-",
        t.error ?? t.skip_reason ?? "",
      ]),
    );
    return 0;
  },
};

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
