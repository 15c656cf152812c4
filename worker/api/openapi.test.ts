/**
 * The OpenAPI document against the code: the Hono app serves exactly the documented routes, and
 * one call of every documented route — in an order that makes each succeed — answers a status the
 * document lists, with a body that its JSON Schema accepts. A field added to a handler's reply but
 * not to the protocol, or a route added without its row in the table, fails here.
 */

import { exports } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import type { Definitions } from "../../protocol";
import { API_ROUTES, RunReplySchema } from "../../protocol";
import type { JsonSchemaObject, OpenApiDocument } from "../../protocol/openapi";
import { app } from "../app";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { newFake } from "../test/fixtures";
import { ADMIN_TOKEN, ORIGIN, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
useRunCoordinator("default");

const DEFINITIONS: Definitions = {
  ...SAMPLE_DEFINITIONS,
  schedules: [
    {
      name: "hourly_greet",
      job: "greet",
      cron_schedule: "0 * * * *",
      execution_timezone: "UTC",
      default_status: "STOPPED",
      description: "Greets every hour.",
      run_config: { ops: { greet: { config: { name: "cron" } } } },
    },
  ],
  sensors: [
    {
      name: "new_files",
      job: "noop",
      minimum_interval_seconds: 60,
      default_status: "STOPPED",
      description: null,
    },
  ],
};

const key = (method: string, path: string) => `${method} ${path}`;

/** The document's schema for one reply, as a standalone JSON Schema: components become `$defs`. */
function replySchema(doc: OpenApiDocument, schema: JsonSchemaObject): JsonSchemaObject {
  const text = JSON.stringify({ ...schema, $defs: doc.components.schemas });
  return JSON.parse(text.replaceAll("#/components/schemas/", "#/$defs/")) as JsonSchemaObject;
}

describe("the OpenAPI document", () => {
  it("documents exactly the routes the app serves", () => {
    const served = new Set(
      app.routes.filter((r) => r.method !== "ALL").map((r) => key(r.method, r.path.replace(/:([A-Za-z]+)/g, "{$1}"))),
    );
    const documented = new Set(API_ROUTES.map((r) => key(r.method, r.path)));
    expect([...served].sort()).toEqual([...documented].sort());
  });

  // Some 50 requests in a row: on a loaded machine they take longer than vitest's default 5 s.
  it("holds for one call of every documented route", { timeout: 60_000 }, async () => {
    const doc = (await (await exports.default.fetch(`${ORIGIN}/api/openapi.json`)).json()) as OpenApiDocument;
    const called = new Set<string>();

    /** Calls a documented route and checks the reply against the document; returns the parsed body. */
    async function send(
      method: string,
      template: string,
      opts: { path?: string; body?: unknown; token?: string | null; cookie?: string; expect?: number } = {},
    ): Promise<{ status: number; body: unknown; headers: Headers }> {
      const operation = doc.paths[template]?.[method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${template} is not in the document`);
      const headers = new Headers({ origin: ORIGIN });
      const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
      if (token !== null && opts.cookie === undefined) headers.set("authorization", `Bearer ${token}`);
      if (opts.cookie) headers.set("cookie", opts.cookie);
      if (opts.body !== undefined) headers.set("content-type", "application/json");
      const res = await exports.default.fetch(
        new Request(`${ORIGIN}${opts.path ?? template}`, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        }),
      );
      const text = await res.text();
      const responses = operation.responses as Record<
        string,
        { content?: Record<string, { schema: JsonSchemaObject }> }
      >;
      const documented = responses[String(res.status)];
      expect(documented, `${method} ${template} answered ${res.status}: ${text}`).toBeDefined();
      expect(res.status, `${method} ${template}: ${text}`).toBe(opts.expect ?? 200);
      let body: unknown = null;
      const content = documented?.content;
      if (content?.["application/json"]) {
        body = JSON.parse(text);
        const result = new Validator(replySchema(doc, content["application/json"].schema), "2020-12", false).validate(
          body,
        );
        expect(result.errors, `${method} ${template} ${res.status}`).toEqual([]);
      } else if (content?.["text/html"]) {
        expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      } else {
        expect(text).toBe("");
      }
      called.add(key(method, template));
      return { status: res.status, body, headers: res.headers };
    }

    const fake = newFake();
    fake.definitions = DEFINITIONS;
    const spy = interceptCodeLocations(fake);
    try {
      await send("GET", "/api/health");
      await send("GET", "/api/openapi.json");
      await send("GET", "/api/docs");

      const signIn = await send("POST", "/api/session", { body: { token: ADMIN_TOKEN }, token: null });
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      await send("GET", "/api/session", { cookie });
      await send("DELETE", "/api/session", { cookie, expect: 204 });

      await send("GET", "/api/instance");
      await send("PATCH", "/api/instance", { body: { run_retries: { max_retries: 0 } } });

      await send("POST", "/api/code-locations", {
        body: { name: "demo", url: fake.url, secret: fake.secret },
        expect: 201,
      });
      await send("GET", "/api/code-locations");
      await send("PUT", "/api/code-locations/{name}", {
        path: "/api/code-locations/spare",
        body: { url: fake.url, secret: fake.secret },
        expect: 201,
      });
      await send("DELETE", "/api/code-locations/{name}", { path: "/api/code-locations/spare", expect: 204 });
      await send("POST", "/api/code-locations/{name}/reload", { path: "/api/code-locations/demo/reload" });

      await send("GET", "/api/jobs");
      await send("GET", "/api/jobs/{location}/{job}", { path: "/api/jobs/demo/greet" });

      const submit = { location: "demo", job: "greet", run_config: { ops: { greet: { config: { name: "Ada" } } } } };
      const first = RunReplySchema.parse((await send("POST", "/api/runs", { body: submit, expect: 201 })).body).run;
      const second = RunReplySchema.parse((await send("POST", "/api/runs", { body: submit, expect: 201 })).body).run;
      const tokenOf = (id: string) => fake.launches.find((l) => l.run_id === id)?.run_token ?? "";
      await send("GET", "/api/runs", { path: "/api/runs?limit=10&status=STARTING,STARTED&tag=a=b" });
      await send("GET", "/api/runs/stats", { path: "/api/runs/stats?hours=24" });
      await send("GET", "/api/runs/{id}", { path: `/api/runs/${first.id}` });

      const events = [
        { seq: 1, type: "RUN_START", ts: Date.now() },
        { seq: 2, type: "STEP_START", ts: Date.now(), step_key: "greet" },
      ];
      await send("POST", "/api/runs/{id}/events", {
        path: `/api/runs/${first.id}/events`,
        token: tokenOf(first.id),
        body: { events },
      });
      await send("GET", "/api/runs/{id}/events", { path: `/api/runs/${first.id}/events?after=0` });
      await send("GET", "/api/runs/{id}/steps", { path: `/api/runs/${first.id}/steps` });
      await send("POST", "/api/runs/{id}/compute-logs/{step}", {
        path: `/api/runs/${first.id}/compute-logs/greet`,
        token: tokenOf(first.id),
        body: { stream: "stdout", offset: 0, data: "hello\n" },
      });
      await send("GET", "/api/runs/{id}/compute-logs/{step}", {
        path: `/api/runs/${first.id}/compute-logs/greet?stdout_offset=0`,
      });
      await send("POST", "/api/runs/{id}/pool-slots", {
        path: `/api/runs/${first.id}/pool-slots`,
        token: tokenOf(first.id),
        body: { step_key: "greet", pool: "db", wait_ms: 0 },
      });
      await send("POST", "/api/runs/{id}/pool-slots/renew", {
        path: `/api/runs/${first.id}/pool-slots/renew`,
        token: tokenOf(first.id),
        body: { step_keys: ["greet"] },
      });
      await send("GET", "/api/concurrency/pools");
      await send("GET", "/api/concurrency/pools/{pool}", { path: "/api/concurrency/pools/db" });
      await send("PUT", "/api/concurrency/pools/{pool}", { path: "/api/concurrency/pools/db", body: { limit: 2 } });
      await send("DELETE", "/api/concurrency/pools/{pool}", { path: "/api/concurrency/pools/db" });
      await send("DELETE", "/api/runs/{id}/pool-slots/{step}", {
        path: `/api/runs/${first.id}/pool-slots/greet`,
        token: tokenOf(first.id),
      });
      await send("POST", "/api/runs/{id}/terminate", { path: `/api/runs/${first.id}/terminate` });

      await send("POST", "/api/runs/{id}/events", {
        path: `/api/runs/${second.id}/events`,
        token: tokenOf(second.id),
        body: {
          events: [
            { seq: 1, type: "RUN_START", ts: Date.now() },
            { seq: 2, type: "RUN_FAILURE", ts: Date.now() },
          ],
        },
      });
      await send("POST", "/api/runs/{id}/reexecute", {
        path: `/api/runs/${second.id}/reexecute`,
        body: { strategy: "ALL_STEPS" },
        expect: 201,
      });
      await send("GET", "/api/runs/{id}/lineage", { path: `/api/runs/${second.id}/lineage` });

      // The queue: with the queued coordinator and admission paused, a new run waits and can be reordered.
      await send("PATCH", "/api/instance", { body: { run_coordinator: { type: "queued" } } });
      await send("POST", "/api/queue/pause");
      const queued = RunReplySchema.parse((await send("POST", "/api/runs", { body: submit, expect: 201 })).body).run;
      await send("PATCH", "/api/runs/{id}", { path: `/api/runs/${queued.id}`, body: { priority: 5 } });
      await send("GET", "/api/queue", { path: "/api/queue?limit=10" });
      await send("POST", "/api/runs/terminate", { body: { run_ids: [queued.id] } });
      await send("POST", "/api/queue/resume");

      for (const [kind, name] of [
        ["schedules", "hourly_greet"],
        ["sensors", "new_files"],
      ] as const) {
        await send("GET", `/api/${kind}`);
        await send("POST", `/api/${kind}/{name}/start`, { path: `/api/${kind}/${name}/start?location=demo` });
        await send("POST", `/api/${kind}/{name}/stop`, { path: `/api/${kind}/${name}/stop` });
        await send("GET", `/api/${kind}/{name}/ticks`, { path: `/api/${kind}/${name}/ticks?limit=5` });
        await send("GET", `/api/${kind}/{name}`, { path: `/api/${kind}/${name}` });
        await send("POST", `/api/${kind}/{name}/test`, { path: `/api/${kind}/${name}/test`, body: {} });
      }
      await send("PUT", "/api/sensors/{name}/cursor", {
        path: "/api/sensors/new_files/cursor",
        body: { cursor: "c1" },
      });

      await send("GET", "/api/instance/history", { path: "/api/instance/history?limit=5" });
      const policy = {
        name: "failures",
        events: ["RUN_FAILURE"],
        destination: { type: "WEBHOOK", url: "http://127.0.0.1:9/alerts" },
      };
      const created = (await send("POST", "/api/alerts/policies", { body: policy, expect: 201 })).body as {
        policy: { id: string };
      };
      const policyPath = `/api/alerts/policies/${created.policy.id}`;
      await send("GET", "/api/alerts/policies");
      await send("GET", "/api/alerts/policies/{id}", { path: policyPath });
      await send("PUT", "/api/alerts/policies/{id}", { path: policyPath, body: { ...policy, name: "all failures" } });
      const test = (await send("POST", "/api/alerts/policies/{id}/test", { path: `${policyPath}/test`, expect: 202 }))
        .body as { delivery: { id: string } };
      await send("GET", "/api/alerts/policies/{id}/deliveries", { path: `${policyPath}/deliveries?limit=5` });
      await send("POST", "/api/alerts/deliveries/{id}/resend", {
        path: `/api/alerts/deliveries/${test.delivery.id}/resend`,
        expect: 202,
      });
      await send("DELETE", "/api/alerts/policies/{id}", { path: policyPath, expect: 204 });

      const made = (await send("POST", "/api/tokens", { body: { name: "ci", role: "viewer" }, expect: 201 })).body as {
        token: { id: string };
      };
      await send("GET", "/api/tokens");
      await send("DELETE", "/api/tokens/{id}", { path: `/api/tokens/${made.token.id}` });
      const agentToken = (
        await send("POST", "/api/agent-tokens", { body: { name: "agents", location: "by-agents" }, expect: 201 })
      ).body as { token: { id: string }; secret: string };
      await send("GET", "/api/agent-tokens");
      await send("PUT", "/api/agents/definitions", {
        token: agentToken.secret,
        body: { definitions: DEFINITIONS },
      });
      await send("GET", "/api/agents/connect", { token: agentToken.secret, expect: 426 });
      await send("GET", "/api/agents");
      await send("DELETE", "/api/agent-tokens/{id}", { path: `/api/agent-tokens/${agentToken.token.id}` });
      await send("GET", "/api/audit", { path: "/api/audit?action=revokeApiToken&limit=5" });
    } finally {
      spy.mockRestore();
    }

    expect([...called].sort()).toEqual(API_ROUTES.map((r) => key(r.method, r.path)).sort());
  });

  it("answers errors with the documented envelope", async () => {
    const res = await exports.default.fetch(`${ORIGIN}/api/runs/nope`, {
      headers: { authorization: "Bearer wrong" },
    });
    expect(res.status).toBe(401);
    const doc = (await (await exports.default.fetch(`${ORIGIN}/api/openapi.json`)).json()) as OpenApiDocument;
    const schema = replySchema(doc, { $ref: "#/components/schemas/ErrorEnvelope" });
    expect(new Validator(schema, "2020-12", false).validate(await res.json()).errors).toEqual([]);
  });
});
