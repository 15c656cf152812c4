/**
 * `flightdeck location list|reload` (Dagster's workspace, and the UI's "Reload definitions"): the
 * code locations the control plane knows, whether each loaded, and a reload of one.
 */
import { CodeLocationListSchema, CodeLocationReplySchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { localTime, paintStatus, printTable } from "./output";

const list: Verb = {
  name: "list",
  usage: "",
  summary: "Every code location, its status and how many jobs it has",
  args: { min: 0, max: 0 },
  async run({ client, json, out }) {
    const reply = await client().request("GET", "/api/code-locations", CodeLocationListSchema);
    if (json) {
      out.json(reply);
      return 0;
    }
    if (reply.code_locations.length === 0) out.line("No code locations are registered.");
    printTable(
      out,
      ["LOCATION", "STATUS", "JOBS", "LOADED", "URL"],
      reply.code_locations.map((l) => [
        l.name,
        paintStatus(out, l.status),
        String(l.job_count),
        localTime(l.loaded_at),
        l.url,
      ]),
    );
    for (const l of reply.code_locations) {
      if (l.load_error) process.stderr.write(`${l.name}: ${l.load_error.split("\n")[0]}\n`);
    }
    return 0;
  },
};

const reload: Verb = {
  name: "reload",
  usage: "<name>",
  summary: "Fetch a code location's definitions again",
  args: { min: 1, max: 1 },
  async run({ client, args, json, out }) {
    const { code_location: l } = await client().request(
      "POST",
      `/api/code-locations/${encodeURIComponent(args[0] ?? "")}/reload`,
      CodeLocationReplySchema,
    );
    if (json) {
      out.json({ code_location: l });
      return l.status === "LOADED" ? 0 : 1;
    }
    out.line(`${l.name}: ${paintStatus(out, l.status)}, ${l.job_count} jobs`);
    if (l.load_error) process.stderr.write(`flightdeck: ${l.load_error.split("\n")[0]}\n`);
    return l.status === "LOADED" ? 0 : 1;
  },
};

export const locationNoun: Noun = {
  name: "location",
  summary: "List and reload code locations",
  verbs: [list, reload],
};
