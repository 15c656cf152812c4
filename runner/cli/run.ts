/**
 * `flightdeck run ...` (Dagster's `dagster run list|delete|wipe`, and the run page's actions):
 * list with filters, show one, terminate, re-execute, and reorder a queued run (priority, to the
 * front). `run logs` lives in run-logs.ts. Runs are named by id or a unique prefix of its random
 * part (run-id.ts).
 */
import type { Run } from "../../protocol";
import { BulkTerminateReplySchema, RunListSchema, RunReplySchema, RunStatusSchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { limitFlag, listFlag, parseInteger, parseTags, stringFlag } from "./command";
import { UsageError } from "./errors";
import { formatDuration, localTime, paint, paintStatus, printTable } from "./output";
import { resolveRunId, shortRunId } from "./run-id";
import { runLogsVerb } from "./run-logs";

function duration(run: Run): string {
  if (run.started_at === null) return "-";
  return formatDuration((run.ended_at ?? Date.now()) - run.started_at);
}

const list: Verb = {
  name: "list",
  usage: "[--status S[,S]] [--job <location>/<job>] [--tag key=value]... [--limit n]",
  summary: "Runs, newest first",
  details: `--status   one or more of ${RunStatusSchema.options.join(", ")}, comma-separated
--job      a job, as <location>/<job> or its name alone
--tag      runs with this tag; repeat to require several
--limit    how many runs (default 25, at most 500)`,
  flags: {
    status: { type: "string", multiple: true },
    job: { type: "string" },
    tag: { type: "string", multiple: true },
    limit: { type: "string" },
  },
  args: { min: 0, max: 0 },
  async run({ client, flags, json, out }) {
    const statuses = listFlag(flags, "status")
      .flatMap((s) => s.split(","))
      .map((s) => s.trim().toUpperCase());
    for (const s of statuses) {
      if (!RunStatusSchema.safeParse(s).success) {
        throw new UsageError(`--status "${s}" is not a run status; use ${RunStatusSchema.options.join(", ")}`);
      }
    }
    const job = stringFlag(flags, "job");
    const slash = job?.indexOf("/") ?? -1;
    const limit = limitFlag(flags, 25, 500);
    const reply = await client().request("GET", "/api/runs", RunListSchema, {
      query: {
        status: statuses.length > 0 ? statuses.join(",") : undefined,
        location: job && slash > 0 ? job.slice(0, slash) : undefined,
        job: job && slash > 0 ? job.slice(slash + 1) : job,
        tag: listFlag(flags, "tag"),
        limit,
      },
    });
    if (json) {
      out.json(reply);
      return 0;
    }
    if (reply.runs.length === 0) {
      out.line("No runs match.");
      return 0;
    }
    printTable(
      out,
      ["RUN", "JOB", "STATUS", "CREATED", "DURATION", "TAGS"],
      reply.runs.map((r) => [
        shortRunId(r.id),
        `${r.location}/${r.job}`,
        paintStatus(out, r.status),
        localTime(r.created_at),
        duration(r),
        Object.entries(r.tags)
          .filter(([k]) => !k.startsWith("flightdeck/"))
          .map(([k, v]) => `${k}=${v}`)
          .join(" "),
      ]),
    );
    return 0;
  },
};

const show: Verb = {
  name: "show",
  usage: "<run>",
  summary: "One run: status, times, tags, run config",
  args: { min: 1, max: 1 },
  async run({ client, args, json, out }) {
    const api = client();
    const { run } = await api.request("GET", `/api/runs/${await resolveRunId(api, args[0] ?? "")}`, RunReplySchema);
    if (json) {
      out.json({ run });
      return 0;
    }
    const rows: [string, string][] = [
      ["Run", run.id],
      ["Job", `${run.location}/${run.job}`],
      ["Status", paintStatus(out, run.status)],
      ["Priority", String(run.priority)],
      ["Attempt", String(run.attempt)],
      ["Created", localTime(run.created_at)],
      ["Started", localTime(run.started_at)],
      ["Ended", localTime(run.ended_at)],
      ["Duration", duration(run)],
    ];
    if (run.parent_run_id) rows.push(["Parent", run.parent_run_id]);
    if (run.root_run_id && run.root_run_id !== run.parent_run_id) rows.push(["Root", run.root_run_id]);
    for (const [k, v] of rows) out.line(`${paint(out, "bold", `${k}:`.padEnd(10))}${v}`);
    const tags = Object.entries(run.tags);
    if (tags.length > 0) out.line(`${paint(out, "bold", "Tags:")}\n${tags.map(([k, v]) => `  ${k}=${v}`).join("\n")}`);
    if (Object.keys(run.run_config).length > 0) {
      out.line(`${paint(out, "bold", "Run config:")}\n${JSON.stringify(run.run_config, null, 2).replace(/^/gm, "  ")}`);
    }
    return 0;
  },
};

const terminate: Verb = {
  name: "terminate",
  usage: "<run>...",
  summary: "Terminate runs (queued ones are canceled at once; started ones are asked to stop)",
  args: { min: 1, max: 100 },
  async run({ client, args, json, out }) {
    const api = client();
    const ids: string[] = [];
    for (const arg of args) ids.push(await resolveRunId(api, arg));
    const reply = await api.request("POST", "/api/runs/terminate", BulkTerminateReplySchema, {
      body: { run_ids: ids },
    });
    if (json) out.json(reply);
    let failed = 0;
    for (const result of reply.results) {
      if (result.ok) {
        if (!json) out.line(`${shortRunId(result.run_id)}  ${paintStatus(out, result.run.status)}`);
      } else {
        failed++;
        process.stderr.write(`flightdeck: ${shortRunId(result.run_id)}: ${result.error.message}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};

const reexecute: Verb = {
  name: "reexecute",
  usage: "<run> [--from-failure | --all-steps] [--tag key=value]...",
  summary: "Re-execute a finished run: from failure (default), or all steps",
  flags: {
    "from-failure": { type: "boolean" },
    "all-steps": { type: "boolean" },
    tag: { type: "string", multiple: true },
  },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    if (flags["from-failure"] && flags["all-steps"])
      throw new UsageError("give --from-failure or --all-steps, not both");
    const strategy = flags["all-steps"] ? "ALL_STEPS" : "FROM_FAILURE";
    const tags = parseTags(listFlag(flags, "tag"));
    const api = client();
    const id = await resolveRunId(api, args[0] ?? "");
    const { run } = await api.request("POST", `/api/runs/${id}/reexecute`, RunReplySchema, {
      body: { strategy, ...(Object.keys(tags).length > 0 ? { tags } : {}) },
    });
    if (json) out.json({ run });
    else
      out.line(`Launched run ${run.id} re-executing ${shortRunId(id)} (${strategy}): ${paintStatus(out, run.status)}`);
    return 0;
  },
};

const priority: Verb = {
  name: "priority",
  usage: "<run> <n>",
  summary: "Set a queued run's priority (higher launches first)",
  args: { min: 2, max: 2 },
  async run({ client, args, json, out }) {
    const value = parseInteger(args[1] ?? "", "the priority");
    const api = client();
    const id = await resolveRunId(api, args[0] ?? "");
    const { run } = await api.request("PATCH", `/api/runs/${id}`, RunReplySchema, { body: { priority: value } });
    if (json) out.json({ run });
    else out.line(`Run ${shortRunId(run.id)} now has priority ${run.priority}.`);
    return 0;
  },
};

const next: Verb = {
  name: "next",
  usage: "<run>",
  summary: "Move a queued run to the front of the queue",
  args: { min: 1, max: 1 },
  async run({ client, args, json, out }) {
    const api = client();
    const id = await resolveRunId(api, args[0] ?? "");
    const { run } = await api.request("PATCH", `/api/runs/${id}`, RunReplySchema, { body: { move_to_front: true } });
    if (json) out.json({ run });
    else out.line(`Run ${shortRunId(run.id)} is next in the queue (priority ${run.priority}).`);
    return 0;
  },
};

export const runNoun: Noun = {
  name: "run",
  summary: "List, show, follow, terminate, re-execute and reorder runs",
  verbs: [list, show, runLogsVerb, terminate, reexecute, priority, next],
};
