/**
 * `flightdeck schedule preview` and `flightdeck sensor preview` (Dagster's `dagster schedule
 * preview` / `dagster sensor preview`, the dashboard's "Test"): the code location evaluates the
 * schedule's tick or the sensor once, and the run requests, skip reason or error are printed —
 * nothing is launched and nothing is stored (`POST /api/<kind>/:name/test`).
 */
import type { InstigatorTestReply } from "../../protocol";
import { InstigatorTestReplySchema } from "../../protocol";
import type { Flags, Verb } from "./command";
import { stringFlag } from "./command";
import { UsageError } from "./errors";
import { LOCATION_FLAG } from "./instigator-verbs";
import type { Output } from "./output";
import { localTime, paint, printTable } from "./output";

/** `--at`: an ISO 8601 time or ms since 1970. */
export function parseTickTime(raw: string): number {
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new UsageError(`--at must be a time like 2026-12-04T03:00:00Z or ms since 1970, not "${raw}"`);
  }
  return ms;
}

export function printPreview(out: Output, reply: InstigatorTestReply): number {
  const what = `${reply.location}/${reply.name}`;
  const at = reply.scheduled_time === null ? "" : ` for the tick at ${localTime(reply.scheduled_time)}`;
  if (reply.error !== null) {
    out.line(`${paint(out, "red", "Evaluation failed")}: ${what}${at}`);
    out.line(reply.error);
    return 1;
  }
  if (reply.skip_reason !== null && reply.run_requests.length === 0) {
    out.line(`${what}${at} would skip: ${reply.skip_reason}`);
  } else {
    out.line(`${what}${at} would request ${reply.run_requests.length} run(s) (nothing launched):`);
    printTable(
      out,
      ["JOB", "RUN KEY", "TAGS", "RUN CONFIG"],
      reply.run_requests.map((r) => [
        r.job ?? "-",
        r.run_key ? `${r.run_key}${r.run_key_used ? " (used: would be skipped)" : ""}` : "-",
        Object.entries(r.tags ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(" ") || "-",
        r.run_config ? JSON.stringify(r.run_config) : "-",
      ]),
    );
  }
  if (reply.scheduled_time === null) {
    out.line(
      reply.cursor_after === reply.cursor_before
        ? `Cursor unchanged: ${reply.cursor_before ?? "(none)"}`
        : `Cursor would become: ${reply.cursor_after ?? "(none)"}`,
    );
  }
  return 0;
}

export function previewVerb(kind: "schedules" | "sensors"): Verb {
  const one = kind === "schedules" ? "schedule" : "sensor";
  const flags: Flags =
    kind === "schedules"
      ? { ...LOCATION_FLAG, at: { type: "string" } }
      : { ...LOCATION_FLAG, cursor: { type: "string" }, "no-cursor": { type: "boolean" } };
  return {
    name: "preview",
    usage:
      kind === "schedules"
        ? "<name> [--at <time>] [--location <name>]"
        : "<name> [--cursor <value> | --no-cursor] [--location <name>]",
    summary: `Evaluate a ${one} once and print its run requests, launching nothing`,
    details:
      kind === "schedules"
        ? "  --at <time>   the tick to evaluate (ISO 8601 or ms); default: the next tick"
        : "  --cursor <v>  evaluate with this cursor instead of the stored one\n  --no-cursor   evaluate as if no cursor was ever set",
    flags,
    args: { min: 1, max: 1 },
    async run({ client, flags: given, args, json, out }) {
      const body: Record<string, unknown> = {};
      const at = stringFlag(given, "at");
      if (at !== undefined) body.scheduled_time = parseTickTime(at);
      const cursor = stringFlag(given, "cursor");
      if (cursor !== undefined && given["no-cursor"] === true)
        throw new UsageError("give --cursor or --no-cursor, not both");
      if (cursor !== undefined) body.cursor = cursor;
      if (given["no-cursor"] === true) body.cursor = null;
      const reply = await client().request(
        "POST",
        `/api/${kind}/${encodeURIComponent(args[0] ?? "")}/test`,
        InstigatorTestReplySchema,
        { body, query: { location: stringFlag(given, "location") } },
      );
      if (json) {
        out.json(reply);
        return reply.error === null ? 0 : 1;
      }
      return printPreview(out, reply);
    },
  };
}
