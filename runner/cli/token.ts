/**
 * `flightdeck token create <name> --role r [--expires-in-days n]`, `token list` and
 * `token revoke <id>`: the control plane's API tokens, for an admin. The secret is printed once,
 * at creation; the control plane keeps only its hash.
 */
import { ApiTokenListSchema, ApiTokenReplySchema, CreatedApiTokenReplySchema, RoleSchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { parseInteger, stringFlag } from "./command";
import { UsageError } from "./errors";
import { localTime, printTable } from "./output";

const create: Verb = {
  name: "create",
  usage: "<name> --role viewer|launcher|operator|admin [--expires-in-days n]",
  summary: "Create an API token; its secret is printed this once",
  details:
    "Roles: viewer reads; launcher also launches, terminates, re-executes; operator also runs the queue,\nschedules, sensors, pools; admin also the instance, code locations and tokens.",
  flags: { role: { type: "string" }, "expires-in-days": { type: "string" } },
  args: { min: 1, max: 1 },
  async run({ client, args, flags, json, out }) {
    const role = RoleSchema.safeParse(stringFlag(flags, "role"));
    if (!role.success) throw new UsageError(`--role must be one of ${RoleSchema.options.join(", ")}.`);
    const days = stringFlag(flags, "expires-in-days");
    const reply = await client().request("POST", "/api/tokens", CreatedApiTokenReplySchema, {
      body: {
        name: args[0],
        role: role.data,
        ...(days === undefined ? {} : { expires_in_days: parseInteger(days, "--expires-in-days") }),
      },
    });
    if (json) {
      out.json(reply);
      return 0;
    }
    out.line(`Created ${reply.token.id} (${reply.token.role}). Its secret, shown only now:`);
    out.line(reply.secret);
    return 0;
  },
};

const list: Verb = {
  name: "list",
  usage: "",
  summary: "Every API token: role, creator, created, last used, expiry",
  args: { min: 0, max: 0 },
  async run({ client, json, out }) {
    const reply = await client().request("GET", "/api/tokens", ApiTokenListSchema);
    if (json) {
      out.json(reply);
      return 0;
    }
    printTable(
      out,
      ["ID", "NAME", "ROLE", "CREATED", "LAST USED", "EXPIRES", "CREATED BY"],
      reply.tokens.map((t) => [
        t.id,
        t.name,
        t.revoked_at === null ? t.role : `${t.role} (revoked)`,
        localTime(t.created_at),
        t.last_used_at === null ? "never" : localTime(t.last_used_at),
        t.expires_at === null ? "never" : localTime(t.expires_at),
        t.created_by,
      ]),
    );
    return 0;
  },
};

const revoke: Verb = {
  name: "revoke",
  usage: "<id>",
  summary: "Revoke an API token: it and its dashboard sessions stop working at once",
  args: { min: 1, max: 1 },
  async run({ client, args, json, out }) {
    const reply = await client().request(
      "DELETE",
      `/api/tokens/${encodeURIComponent(args[0] ?? "")}`,
      ApiTokenReplySchema,
    );
    if (json) out.json(reply);
    else out.line(`Revoked ${reply.token.id} (${reply.token.name}).`);
    return 0;
  },
};

export const tokenNoun: Noun = {
  name: "token",
  summary: "API tokens with roles: create, list, revoke",
  verbs: [create, list, revoke],
  defaultVerb: "list",
};
