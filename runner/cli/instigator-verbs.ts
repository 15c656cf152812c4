/**
 * What `flightdeck schedule` and `flightdeck sensor` share: start and stop by name (with
 * `--location` when two code locations use the name), as Dagster's `dagster schedule start` and
 * `dagster sensor start` do, and the tick history.
 */
import type { z } from "zod";
import type { Verb } from "./command";
import { limitFlag, stringFlag } from "./command";
import { localTime, paintStatus, printTable } from "./output";
import { shortRunId } from "./run-id";

export const LOCATION_FLAG = { location: { type: "string" } } as const;

type Instigator = { name: string; location: string; status: string };

export function statusVerb<S extends z.ZodType>(
  kind: "schedules" | "sensors",
  verb: "start" | "stop",
  reply: S,
  pick: (body: z.infer<S>) => Instigator,
): Verb {
  const one = kind === "schedules" ? "schedule" : "sensor";
  return {
    name: verb,
    usage: "<name> [--location <name>]",
    summary: `${verb === "start" ? "Start" : "Stop"} a ${one}`,
    flags: LOCATION_FLAG,
    args: { min: 1, max: 1 },
    async run({ client, flags, args, json, out }) {
      const name = encodeURIComponent(args[0] ?? "");
      const body = await client().request("POST", `/api/${kind}/${name}/${verb}`, reply, {
        query: { location: stringFlag(flags, "location") },
      });
      if (json) out.json(body);
      else {
        const item = pick(body);
        out.line(`The ${one} ${item.location}/${item.name} is ${paintStatus(out, item.status)}.`);
      }
      return 0;
    },
  };
}

type Tick = { status: string; run_ids: string[]; error: string | null; skip_reason: string | null };

/**
 * `ticks <name>`: the tick history, newest first. `when` names and reads each tick's time (a
 * schedule's scheduled time, a sensor's start), `extra` adds a kind's own columns (a sensor's cursor).
 */
export function ticksVerb<T extends Tick>(
  kind: "schedules" | "sensors",
  reply: z.ZodType<{ ticks: T[] }>,
  when: { header: string; at: (tick: T) => number },
  extra: { header: string; cell: (tick: T) => string }[] = [],
): Verb {
  return {
    name: "ticks",
    usage: "<name> [--location <name>] [--limit n]",
    summary: `A ${kind === "schedules" ? "schedule" : "sensor"}'s tick history, newest first`,
    flags: { ...LOCATION_FLAG, limit: { type: "string" } },
    args: { min: 1, max: 1 },
    async run({ client, flags, args, json, out }) {
      const body = await client().request("GET", `/api/${kind}/${encodeURIComponent(args[0] ?? "")}/ticks`, reply, {
        query: { location: stringFlag(flags, "location"), limit: limitFlag(flags, 20, 100) },
      });
      if (json) {
        out.json(body);
        return 0;
      }
      if (body.ticks.length === 0) out.line("No ticks yet.");
      printTable(
        out,
        [when.header, "STATUS", "RUNS", ...extra.map((e) => e.header), "REASON"],
        body.ticks.map((t) => [
          localTime(when.at(t)),
          paintStatus(out, t.status),
          t.run_ids.map(shortRunId).join(" ") || "-",
          ...extra.map((e) => e.cell(t)),
          t.error ?? t.skip_reason ?? "",
        ]),
      );
      return 0;
    },
  };
}
