/**
 * `/api/schedules` (DESIGN.md §5.1): every schedule of every LOADED code location with its status,
 * its cron in words and its next ticks; start and stop; its tick history; and a test evaluation
 * of one tick that launches and stores nothing (dry-run.ts). Reading needs viewer; start, stop and
 * test need operator (the route table, protocol/api-routes.ts).
 * A schedule is named by its name, with `?location=` when two locations use the same name.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type {
  InstigatorTestReply,
  ScheduleListSchema,
  ScheduleReplySchema,
  ScheduleSummary,
  ScheduleTickListSchema,
} from "../../protocol";
import { ScheduleTestBodySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { type FoundInstigator, findInstigator, listInstigators } from "../code-locations/instigators";
import { nextCronTicks, parseCron } from "../daemon/cron";
import { dryRunSchedule, nextScheduledTime } from "../daemon/dry-run";
import { describeCron } from "../daemon/schedule-policy";
import { readJsonBody } from "../http/read-json-body";
import type { Database } from "../storage/db";
import { stateKey } from "../storage/instigator-state-key";
import type { ScheduleStateRow } from "../storage/schedules-repo";
import { listScheduleStates, listScheduleTicks, setScheduleStatus } from "../storage/schedules-repo";

const NEXT_TICKS = 5;
const MAX_TICKS = 100;

type Found = FoundInstigator<"schedules">;

function summarize(found: Found, state: ScheduleStateRow | undefined, now: number): ScheduleSummary {
  const { definition: schedule, location } = found;
  let description = `on the cron schedule "${schedule.cron_schedule}"`;
  let nextTicks: number[] = [];
  try {
    const fields = parseCron(schedule.cron_schedule);
    description = describeCron(schedule.cron_schedule, fields);
    nextTicks = nextCronTicks(fields, schedule.execution_timezone, now, NEXT_TICKS);
  } catch (error) {
    description = `not a valid schedule: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    location,
    name: schedule.name,
    job: schedule.job,
    cron_schedule: schedule.cron_schedule,
    execution_timezone: schedule.execution_timezone,
    description: schedule.description,
    default_status: schedule.default_status,
    status: state?.status ?? schedule.default_status,
    cron_description: description,
    next_ticks: nextTicks,
    last_tick: null,
  };
}

async function summaryWithLastTick(db: Database, found: Found, state: ScheduleStateRow | undefined, now: number) {
  const [last] = await listScheduleTicks(db, found.location, found.definition.name, 1);
  return { ...summarize(found, state, now), last_tick: last ?? null };
}

const findSchedule = (c: Context<AppEnv>) =>
  findInstigator(c.get("deps").db, "schedules", c.req.param("name") ?? "", c.req.query("location"));

async function scheduleReply(c: Context<AppEnv>, found: Found) {
  const { db, now } = c.get("deps");
  const state = (await listScheduleStates(db)).get(stateKey(found.location, found.definition.name));
  const schedule = await summaryWithLastTick(db, found, state, now());
  return c.json({ schedule } satisfies z.infer<typeof ScheduleReplySchema>);
}

function setStatus(status: "RUNNING" | "STOPPED") {
  return async (c: Context<AppEnv>) => {
    const { db, now } = c.get("deps");
    const found = await findSchedule(c);
    await setScheduleStatus(db, found.location, found.definition.name, status, now());
    return scheduleReply(c, found);
  };
}

export const scheduleRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db, now } = c.get("deps");
    const [all, states] = await Promise.all([listInstigators(db, "schedules"), listScheduleStates(db)]);
    const schedules = await Promise.all(
      all.map((f) => summaryWithLastTick(db, f, states.get(stateKey(f.location, f.definition.name)), now())),
    );
    return c.json({ schedules } satisfies z.infer<typeof ScheduleListSchema>);
  })
  .get("/:name", async (c) => scheduleReply(c, await findSchedule(c)))
  .post("/:name/start", setStatus("RUNNING"))
  .post("/:name/stop", setStatus("STOPPED"))
  .get("/:name/ticks", async (c) => {
    const { db } = c.get("deps");
    const found = await findInstigator(db, "schedules", c.req.param("name"), c.req.query("location"));
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), MAX_TICKS);
    const ticks = await listScheduleTicks(db, found.location, found.definition.name, limit);
    return c.json({ ticks } satisfies z.infer<typeof ScheduleTickListSchema>);
  })
  .post("/:name/test", async (c) => {
    const { evaluation, now } = c.get("deps");
    const found = await findSchedule(c);
    const body = await readJsonBody(c, ScheduleTestBodySchema);
    const scheduledTime = body.scheduled_time ?? nextScheduledTime(found.definition, now());
    const reply: InstigatorTestReply = await dryRunSchedule(
      evaluation,
      found.location,
      found.definition,
      scheduledTime,
    );
    return c.json(reply);
  });
