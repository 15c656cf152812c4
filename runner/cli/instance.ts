/**
 * `flightdeck instance [get [path]]` and `flightdeck instance set <path> <value>`: the instance
 * config (Flightdeck's dagster.yaml) as the control plane applies it, each setting with its
 * source, and an admin's override of one setting — validated, audited and applied at once by
 * `PATCH /api/instance`.
 */
import type { JsonValue } from "../../protocol";
import { EffectiveInstanceConfigSchema, INSTANCE_CONFIG_LEAF_PATHS, InstancePatchReplySchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { UsageError } from "./errors";
import { paint, printTable } from "./output";

function readPath(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** `run_coordinator.max_concurrent_runs` and `5` → `{run_coordinator: {max_concurrent_runs: 5}}`. */
export function patchFor(path: string, value: JsonValue): Record<string, JsonValue> {
  const keys = path.split(".");
  let patch: JsonValue = value;
  for (const key of keys.reverse()) patch = { [key]: patch };
  return patch as Record<string, JsonValue>;
}

/** The value as JSON when it is JSON (`5`, `true`, `["a"]`, `{"k": 1}`), else as a string. */
export function parseValue(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    return raw;
  }
}

const show = (v: unknown) => JSON.stringify(v);

const get: Verb = {
  name: "get",
  usage: "[path]",
  summary: "The effective instance config, each setting with its source; or the settings under one path",
  args: { min: 0, max: 1 },
  async run({ client, args, json, out }) {
    const prefix = args[0];
    const leaves = INSTANCE_CONFIG_LEAF_PATHS.filter((p) => !prefix || p === prefix || p.startsWith(`${prefix}.`));
    if (leaves.length === 0)
      throw new UsageError(`"${prefix}" is not an instance config setting; see \`flightdeck instance get\``);
    const effective = await client().request("GET", "/api/instance", EffectiveInstanceConfigSchema);
    if (json) {
      out.json(prefix ? { [prefix]: readPath(effective.config, prefix) } : effective);
      return 0;
    }
    printTable(
      out,
      ["SETTING", "VALUE", "SOURCE"],
      leaves.map((p) => {
        const source = effective.sources[p] ?? "default";
        return [p, show(readPath(effective.config, p)), source === "default" ? paint(out, "gray", source) : source];
      }),
    );
    return 0;
  },
};

const set: Verb = {
  name: "set",
  usage: "<path> <value>",
  summary: "Override one setting (admin; audited, applied at once)",
  details: `The value is read as JSON when it is JSON (5, true, null, ["a"], {"key": "team", "limit": 2}),
else as a string. Example: flightdeck instance set run_coordinator.max_concurrent_runs 4`,
  args: { min: 2, max: 2 },
  async run({ client, args, json, out }) {
    const [path = "", raw = ""] = args;
    if (!INSTANCE_CONFIG_LEAF_PATHS.includes(path)) {
      const near = INSTANCE_CONFIG_LEAF_PATHS.filter((p) => p.startsWith(path.split(".")[0] ?? "")).slice(0, 5);
      throw new UsageError(
        `"${path}" is not an instance config setting${near.length ? `; did you mean ${near.join(", ")}?` : ""}`,
      );
    }
    const reply = await client().request("PATCH", "/api/instance", InstancePatchReplySchema, {
      body: patchFor(path, parseValue(raw)),
    });
    if (json) {
      out.json(reply);
      return 0;
    }
    if (reply.changes.length === 0) out.line(`${path} was already ${show(readPath(reply.config, path))}.`);
    for (const c of reply.changes) out.line(`${c.path}: ${show(c.from)} → ${show(c.to)}`);
    return 0;
  },
};

export const instanceNoun: Noun = {
  name: "instance",
  summary: "Show the instance config and override a setting",
  verbs: [get, set],
  defaultVerb: "get",
};
