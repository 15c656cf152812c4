/**
 * What `flightdeck schedule` and `flightdeck sensor` share: start and stop by name (with
 * `--location` when two code locations use the name), as Dagster's `dagster schedule start` and
 * `dagster sensor start` do.
 */
import type { z } from "zod";
import type { Verb } from "./command";
import { stringFlag } from "./command";
import { paintStatus } from "./output";

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
