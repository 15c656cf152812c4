/**
 * `flightdeck job list` and `flightdeck job launch <location>/<job>` (Dagster's `dagster job list`
 * and `dagster job launch`): launch submits a run through the API, with run config from a YAML or
 * JSON file, tags and a priority; with `--wait` it follows the run and exits with its outcome.
 */
import { JobListSchema, RunReplySchema } from "../../protocol";
import type { ApiClient } from "./api-client";
import type { Noun, Verb } from "./command";
import { listFlag, parseInteger, parseTags, stringFlag } from "./command";
import { CliError } from "./errors";
import { localTime, paintStatus, printTable } from "./output";
import { readRunConfigFile } from "./run-config-file";
import { shortRunId } from "./run-id";
import { exitCodeForRun, waitForRun } from "./wait-for-run";

/** `location/job`, or a job name that only one loaded location has. */
async function resolveJob(client: ApiClient, target: string): Promise<{ location: string; job: string }> {
  const slash = target.indexOf("/");
  if (slash > 0) return { location: target.slice(0, slash), job: target.slice(slash + 1) };
  const { jobs } = await client.request("GET", "/api/jobs", JobListSchema);
  const found = jobs.filter((j) => j.name === target);
  const [only] = found;
  if (found.length === 1 && only) return { location: only.location, job: only.name };
  if (found.length === 0)
    throw new CliError(`No loaded code location has a job named "${target}"; see \`flightdeck job list\`.`);
  throw new CliError(
    `Several code locations have a job "${target}" (${found.map((j) => j.location).join(", ")}); write <location>/${target}.`,
  );
}

const list: Verb = {
  name: "list",
  usage: "[--location <name>]",
  summary: "The jobs of every loaded code location",
  flags: { location: { type: "string" } },
  args: { min: 0, max: 0 },
  async run({ client, flags, json, out }) {
    const reply = await client().request("GET", "/api/jobs", JobListSchema);
    const location = stringFlag(flags, "location");
    const jobs = reply.jobs.filter((j) => location === undefined || j.location === location);
    if (json) {
      out.json({ jobs });
      return 0;
    }
    if (jobs.length === 0) out.line("No jobs: no code location is loaded (see `flightdeck location list`).");
    printTable(
      out,
      ["JOB", "LOCATION", "OPS", "EXECUTOR", "DESCRIPTION"],
      jobs.map((j) => [`${j.location}/${j.name}`, j.location, String(j.node_count), j.executor, j.description ?? ""]),
    );
    return 0;
  },
};

const launch: Verb = {
  name: "launch",
  usage: "<location>/<job> [--config file.yaml|file.json] [--tag key=value]... [--priority n] [--wait]",
  summary: "Launch a run of a job; with --wait, follow it and exit with its outcome",
  details: `--config   the run config, YAML or JSON (as for \`dagster job launch -c\`)
--tag      a run tag; repeat for more
--priority the run's priority in the queue (higher launches first; the flightdeck/priority tag)
--wait     print each status change and exit when the run ends: 0 SUCCESS, 1 FAILURE, 3 CANCELED`,
  flags: {
    config: { type: "string", short: "c" },
    tag: { type: "string", multiple: true },
    priority: { type: "string" },
    wait: { type: "boolean" },
  },
  args: { min: 1, max: 1 },
  async run({ client, flags, args, json, out }) {
    const configFile = stringFlag(flags, "config");
    const runConfig = configFile === undefined ? undefined : readRunConfigFile(configFile);
    const tags = parseTags(listFlag(flags, "tag"));
    const priorityFlag = stringFlag(flags, "priority");
    const priority = priorityFlag === undefined ? undefined : parseInteger(priorityFlag, "--priority");
    const api = client();
    const { location, job } = await resolveJob(api, args[0] ?? "");
    const { run } = await api.request("POST", "/api/runs", RunReplySchema, {
      body: {
        location,
        job,
        ...(runConfig === undefined ? {} : { run_config: runConfig }),
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
        ...(priority === undefined ? {} : { priority }),
      },
    });
    if (!flags.wait) {
      if (json) out.json({ run });
      else out.line(`Launched run ${run.id} of ${location}/${job}: ${paintStatus(out, run.status)}`);
      return 0;
    }
    if (!json) out.line(`Launched run ${run.id} of ${location}/${job}`);
    const final = await waitForRun(api, run.id, (r) => {
      if (!json) out.line(`${localTime(Date.now())}  ${shortRunId(r.id)}  ${paintStatus(out, r.status)}`);
    });
    if (json) out.json({ run: final });
    return exitCodeForRun(final.status);
  },
};

export const jobNoun: Noun = { name: "job", summary: "List jobs and launch runs of them", verbs: [list, launch] };
