/**
 * `flightdeck run logs <run> [--follow] [--step <key>]`: the run's event log (Dagster's structured
 * events), or with `--step` the step's captured stdout and stderr (its compute logs). `--follow`
 * keeps printing what arrives and returns when the run has ended and everything is printed: the
 * run's status is read before each drain, so a run seen ended has all its events stored.
 */
import type { StoredEvent } from "../../protocol";
import { ComputeLogReplySchema, EventListSchema, isTerminalStatus } from "../../protocol";
import type { ApiClient } from "./api-client";
import type { Verb } from "./command";
import { stringFlag } from "./command";
import type { Output } from "./output";
import { localTime, paint, paintStatus } from "./output";
import { resolveRunId } from "./run-id";
import { getRun, POLL_MS, sleep } from "./wait-for-run";

const LEVEL_COLORS = { ERROR: "red", CRITICAL: "red", WARNING: "yellow", DEBUG: "gray" } as const;

export function formatEvent(out: Output, event: StoredEvent): string {
  const type = event.type.endsWith("_FAILURE")
    ? paint(out, "red", event.type)
    : event.type.endsWith("_SUCCESS")
      ? paint(out, "green", event.type)
      : event.type;
  const level =
    event.level in LEVEL_COLORS ? paint(out, LEVEL_COLORS[event.level as keyof typeof LEVEL_COLORS], event.level) : "";
  const parts = [localTime(event.ts), type, event.step_key ?? "", level, (event.message ?? "").replace(/\n/g, " ⏎ ")];
  return parts.filter((p) => p !== "").join("  ");
}

/** Prints every event after `after`; returns the new cursor. */
async function drainEvents(api: ApiClient, id: string, after: number, print: (e: StoredEvent) => void) {
  let cursor = after;
  for (;;) {
    const page = await api.request("GET", `/api/runs/${id}/events`, EventListSchema, {
      query: { after: cursor, limit: 1000 },
    });
    for (const event of page.events) print(event);
    if (page.cursor === cursor || page.events.length === 0) return cursor;
    cursor = page.cursor;
  }
}

async function followEvents(api: ApiClient, id: string, follow: boolean, json: boolean, out: Output) {
  const print = json
    ? (e: StoredEvent) => out.line(JSON.stringify(e))
    : (e: StoredEvent) => out.line(formatEvent(out, e));
  let cursor = 0;
  for (;;) {
    const run = follow ? await getRun(api, id) : null;
    cursor = await drainEvents(api, id, cursor, print);
    if (!run || isTerminalStatus(run.status)) {
      if (run && !json) out.line(`Run ${run.id} ended: ${paintStatus(out, run.status)}`);
      return;
    }
    await sleep(POLL_MS);
  }
}

async function followComputeLogs(
  api: ApiClient,
  id: string,
  step: string,
  follow: boolean,
  json: boolean,
  out: Output,
) {
  let stdout = 0;
  let stderr = 0;
  for (;;) {
    const run = follow ? await getRun(api, id) : null;
    const reply = await api.request(
      "GET",
      `/api/runs/${id}/compute-logs/${encodeURIComponent(step)}`,
      ComputeLogReplySchema,
      {
        query: { stdout_offset: stdout, stderr_offset: stderr },
      },
    );
    if (json) {
      if (reply.stdout || reply.stderr || !follow) out.line(JSON.stringify(reply));
    } else {
      if (reply.stdout) process.stdout.write(reply.stdout);
      if (reply.stderr) process.stderr.write(reply.stderr);
    }
    stdout = reply.stdout_offset;
    stderr = reply.stderr_offset;
    if (!run || isTerminalStatus(run.status)) return;
    await sleep(POLL_MS);
  }
}

export const runLogsVerb: Verb = {
  name: "logs",
  usage: "<run> [--follow] [--step <key>]",
  summary: "A run's event log, or with --step a step's stdout and stderr; --follow tails it until the run ends",
  details: `--follow  keep printing as events arrive; return when the run has ended
--step    print the step's captured stdout (to stdout) and stderr (to stderr) instead of events
--json    one JSON object per line (an event, or a compute log chunk)`,
  flags: { follow: { type: "boolean", short: "f" }, step: { type: "string" } },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const api = client();
    const id = await resolveRunId(api, args[0] ?? "");
    const step = stringFlag(flags, "step");
    const follow = flags.follow === true;
    if (step === undefined) await followEvents(api, id, follow, json, out);
    else await followComputeLogs(api, id, step, follow, json, out);
    return 0;
  },
};
