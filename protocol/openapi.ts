/**
 * The API's OpenAPI 3.1 document, built from the route table (api-routes.ts) and the zod schemas
 * that the handlers parse and the clients check. Nothing in it is written by hand, so it is as
 * current as the code.
 *
 * Built with zod 4's own `z.toJSONSchema` rather than an OpenAPI package for Hono or zod: it is
 * the converter the protocol's version of zod ships and keeps in step with itself, its output is
 * JSON Schema 2020-12 (the dialect OpenAPI 3.1 uses), and it needs no change to how routes or
 * schemas are written. The packages that would do the rest (`@hono/zod-openapi`,
 * `zod-openapi`) ask every route to be declared through them, which would rewrite every handler
 * for what one table and one function do here.
 *
 * Named schemas become `components.schemas`, named as the protocol exports them (`RunReplySchema`
 * → `RunReply`). Replies are described as the server sends them (zod's "output" side); request
 * bodies and query parameters as a caller writes them ("input" side: defaults are optional).
 */
import { z } from "zod";
import type { ApiRoute, RouteReply } from "./api-routes";
import { API_ROUTES } from "./api-routes";
import { ErrorCodeSchema, ErrorEnvelopeSchema } from "./errors";
import * as protocol from "./index";
import { JsonValueSchema } from "./json";
import { SESSION_COOKIE_NAME } from "./ui-api";

export type JsonSchemaObject = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchemaObject>>;
  components: {
    schemas: Record<string, JsonSchemaObject>;
    securitySchemes: Record<string, JsonSchemaObject>;
  };
}

const SCHEMA_URI = (id: string) => `#/components/schemas/${id}`;

/** Protocol exports by schema: `RunReplySchema` is named "RunReply". */
function protocolSchemaNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const [key, value] of Object.entries(protocol)) {
    if (value instanceof z.ZodType && key.endsWith("Schema") && !names.has(value)) {
      names.set(value, key.slice(0, -"Schema".length));
    }
  }
  return names;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad input: invalid JSON, or a body, query or path that fails validation (`details` lists each problem).",
  401: "No credentials, or not valid ones.",
  403: "Credentials that are valid but not for this: a role below the route's (`x-flightdeck-role`), a run token for another run, a cookie change from another origin.",
  404: "Nothing by that name or id.",
  409: "The request conflicts with the current state (a name taken, a run not in a state that allows it, an ambiguous name).",
  413: "The body is over 1 MB.",
  422: "A body that parses but is not valid (`details` names each bad path), or an Idempotency-Key reused with another body.",
  426: "Not a WebSocket upgrade: this route opens an agent's socket.",
  500: "A bug on the control plane's side; the message carries a request id to report.",
};

/** The error statuses a route can answer, from what it declares and what its inputs and auth imply. */
export function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set(route.errors ?? []);
  if (route.body || route.query || route.params) statuses.add(400);
  if (route.body) statuses.add(413);
  if (route.auth !== "none") {
    statuses.add(401);
    statuses.add(403);
  }
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

const PEOPLE: JsonSchemaObject[] = [{ apiToken: [] }, { session: [] }];
const SECURITY: Record<ApiRoute["auth"], JsonSchemaObject[]> = {
  none: [],
  viewer: PEOPLE,
  launcher: PEOPLE,
  operator: PEOPLE,
  admin: PEOPLE,
  run_token: [{ runToken: [] }],
  agent_token: [{ agentToken: [] }],
};

/** The sentence each operation's description opens with: who may call it. */
function whoMayCall(route: ApiRoute): string {
  if (route.auth === "none") return "No credentials needed.";
  if (route.auth === "run_token") return "Called by a run worker with the run token of the run in the path.";
  if (route.auth === "agent_token")
    return "Called by `flightdeck agent` with an agent token; it acts for that token's code location only.";
  const own = route.ownRunsOnly
    ? " A `launcher` may do it only to a run it launched; `operator` and `admin` to any."
    : "";
  const idem = route.idempotent
    ? " Send an `Idempotency-Key` header to retry safely: the same key and body within 24 h return the same run; the same key with another body is refused (422)."
    : "";
  return `Needs the \`${route.auth}\` role or above.${own}${idem}`;
}

const SECURITY_SCHEMES = {
  apiToken: {
    type: "http",
    scheme: "bearer",
    description:
      "An API token (`fdt_…`, made with `POST /api/tokens`; its role is what it may do) or the instance's admin token (the ADMIN_TOKEN Worker secret, role admin), as `Authorization: Bearer <token>`. `flightdeck login` keeps one for the CLI.",
  },
  session: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE_NAME,
    description:
      "The dashboard's HttpOnly session cookie from `POST /api/session`, with the role of the token it was made from; it ends at sign-out or when that token is revoked. A change (POST, PUT, PATCH, DELETE) by cookie must also carry the dashboard's own `Origin`.",
  },
  runToken: {
    type: "http",
    scheme: "bearer",
    description:
      "A run token, sent to the code location server in the launch request: valid only for the run in the path and its current attempt, and for nothing else.",
  },
  agentToken: {
    type: "http",
    scheme: "bearer",
    description:
      "An agent token (`fda_…`, made with `POST /api/agent-tokens`): lets `flightdeck agent` serve the one code location it was made for, and nothing else.",
  },
};

const TAGS = [
  { name: "instance", description: "Health, this document, and the instance config (Dagster's dagster.yaml)." },
  { name: "session", description: "The dashboard's sign-in." },
  { name: "workspace", description: "Code locations: the servers that hold the definitions and run the runs." },
  { name: "jobs", description: "Job definitions, with their op graph and run config schema." },
  { name: "runs", description: "Submit, list, follow, terminate and re-execute runs." },
  { name: "queue", description: "The run queue: launch order, why each run waits, priorities, pause." },
  { name: "automation", description: "Schedules and sensors, and their ticks." },
  { name: "concurrency", description: "Op concurrency pools." },
  { name: "run workers", description: "Called by run workers with their run token, not by people." },
  { name: "access", description: "API tokens with roles, and the audit log of every change." },
  {
    name: "agents",
    description: "Agents: `flightdeck agent` processes that dial out to serve a code location, and their tokens.",
  },
];

function stripDialect(schema: JsonSchemaObject): JsonSchemaObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** Converts one schema inline; refuses a schema that would need `$defs` (refs would not resolve inside the document). */
function inlineSchema(schema: z.ZodType, where: string): JsonSchemaObject {
  const out = stripDialect(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaObject);
  if ("$defs" in out) throw new Error(`${where}: a recursive schema must be a body, not a parameter`);
  return out;
}

type Named = { schema: z.ZodType; name: string };

/**
 * Adds each schema to a registry under its protocol name (or the fallback) and converts them all
 * at once, so each is one component and the others `$ref` it.
 */
function convertComponents(named: Named[], io: "input" | "output"): Record<string, JsonSchemaObject> {
  const registry = z.registry<{ id: string }>();
  // A recursive schema must be its own component, or zod puts it under a "__shared" id.
  registry.add(JsonValueSchema, { id: "JsonValue" });
  for (const { schema, name } of named) if (!registry.has(schema)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { uri: SCHEMA_URI, io, unrepresentable: "any" }) as {
    schemas: Record<string, JsonSchemaObject>;
  };
  if ("__shared" in schemas) throw new Error("a schema is shared in a way no component names: register it");
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, stripDialect(s)]));
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function parameters(route: ApiRoute): JsonSchemaObject[] {
  const out: JsonSchemaObject[] = [];
  for (const [where, object] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!object) continue;
    for (const [name, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const schema = inlineSchema(field, `${route.id} ${where} ${name}`);
      const { description, ...rest } = schema;
      out.push({
        name,
        in: where,
        required: where === "path" || !field.safeParse(undefined).success,
        ...(typeof description === "string" ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function replyObject(reply: RouteReply, names: Map<z.ZodType, string>, status: number): JsonSchemaObject {
  if (reply === null) return { description: status === 204 ? "Done; no body." : "No body." };
  if ("html" in reply)
    return { description: reply.description, content: { "text/html": { schema: { type: "string" } } } };
  const name = names.get(reply.schema);
  if (!name) throw new Error(`no component name for a reply (${reply.description})`);
  return {
    description: reply.description,
    content: { "application/json": { schema: { $ref: SCHEMA_URI(name) } } },
  };
}

/** The document for a control plane of this version. Pure: the same table gives the same document. */
export function buildOpenApiDocument(version: string): OpenApiDocument {
  const protocolNames = protocolSchemaNames();
  const replyNames = new Map<z.ZodType, string>();
  const bodyNames = new Map<z.ZodType, string>();
  for (const route of API_ROUTES) {
    for (const [status, reply] of Object.entries(route.replies)) {
      if (reply === null || "html" in reply || replyNames.has(reply.schema)) continue;
      replyNames.set(reply.schema, protocolNames.get(reply.schema) ?? `${capitalize(route.id)}Reply${status}`);
    }
    if (route.body && !bodyNames.has(route.body)) {
      bodyNames.set(route.body, protocolNames.get(route.body) ?? `${capitalize(route.id)}Body`);
    }
  }
  replyNames.set(ErrorEnvelopeSchema, "ErrorEnvelope");
  const toNamed = (m: Map<z.ZodType, string>) => [...m].map(([schema, name]) => ({ schema, name }));
  // Run is named too, so each reply that holds a run refers to one definition of it.
  const schemas = {
    ...convertComponents(toNamed(bodyNames), "input"),
    ...convertComponents([{ schema: protocol.RunSchema, name: "Run" }, ...toNamed(replyNames)], "output"),
  };
  const names = new Map([...bodyNames, ...replyNames]);

  const paths: OpenApiDocument["paths"] = {};
  for (const route of API_ROUTES) {
    const responses: Record<string, JsonSchemaObject> = {};
    for (const [status, reply] of Object.entries(route.replies)) {
      responses[status] = replyObject(reply, names, Number(status));
    }
    for (const status of errorStatuses(route)) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? "An error.",
        content: { "application/json": { schema: { $ref: SCHEMA_URI("ErrorEnvelope") } } },
      };
    }
    const params = parameters(route);
    const body = route.body;
    const bodyName = body ? bodyNames.get(body) : undefined;
    const pathItem = paths[route.path] ?? {};
    pathItem[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      description: whoMayCall(route),
      tags: [route.tag],
      security: SECURITY[route.auth],
      "x-flightdeck-role": route.auth,
      ...(route.idempotent
        ? {
            parameters: [
              {
                name: "Idempotency-Key",
                in: "header",
                required: false,
                description: "Any string up to 255 characters, unique per intended run; kept 24 h.",
                schema: { type: "string", maxLength: 255 },
              },
              ...params,
            ],
          }
        : {}),
      ...(params.length > 0 && !route.idempotent ? { parameters: params } : {}),
      ...(bodyName
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: { $ref: SCHEMA_URI(bodyName) } } },
            },
          }
        : {}),
      responses,
    };
    paths[route.path] = pathItem;
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Flightdeck control plane API",
      version,
      description: [
        "The API the dashboard, the `flightdeck` CLI and scripts use, and the webhooks run workers call.",
        "Every body is JSON. Every error is `{error: {code, message, details?}}` with a 4xx status for the caller's",
        `faults (codes: ${ErrorCodeSchema.options.join(", ")}); bad input stores nothing. Times are milliseconds since`,
        "the Unix epoch.",
      ].join(" "),
    },
    tags: TAGS,
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}
