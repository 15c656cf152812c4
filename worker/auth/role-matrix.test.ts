/**
 * The role matrix, generated from the route table (protocol/api-routes.ts): every route × every
 * role, plus no credential. A role at or above the route's least role gets past the gate (whatever
 * the handler then says of the dummy input, it is not 401 or 403); a role below it is refused with
 * 403 and nothing is written; no credential is 401. Run-token routes refuse every person's token.
 * Then the one rule the table cannot express alone: a launcher reorders only its own queued runs.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES, type ApiRoute, CreatedApiTokenReplySchema, hasRole, type Role, RoleSchema } from "../../protocol";
import { interceptCodeLocations } from "../test/fake-code-location";
import { newFake, registerFake, submitGreet } from "../test/fixtures";
import { call, expectError } from "../test/helpers";
import { saveOverrides } from "../test/run-coordinator-type";

const TABLES = ["audit_log", "api_tokens", "sessions", "idempotency_keys", "runs", "code_locations", "alert_policies"];

async function snapshot(): Promise<number[]> {
  const counts = await env.DB.batch(TABLES.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`)));
  return counts.map((r) => Number((r.results[0] as { n?: number } | undefined)?.n));
}

async function makeToken(role: Role, name: string = role): Promise<string> {
  const res = await call("POST", "/api/tokens", { body: { name, role } });
  expect(res.status).toBe(201);
  return CreatedApiTokenReplySchema.parse(await res.json()).secret;
}

const secrets = {} as Record<Role, string>;
let runId = "";

/** The route's path with its parameters filled: the real run for run-token routes, else names that match nothing. */
function pathOf(route: ApiRoute): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === "id" && route.auth === "run_token" ? runId : `no-such-${name}`,
  );
}

function send(route: ApiRoute, token: string | null) {
  const body = route.method === "GET" || route.method === "DELETE" ? undefined : {};
  return call(route.method, pathOf(route), { token, body });
}

// One workspace and one token per role for the whole file (storage is per file).
let stopIntercepting = () => {};
beforeAll(async () => {
  const fake = newFake();
  const spy = interceptCodeLocations(fake);
  stopIntercepting = () => spy.mockRestore();
  await registerFake(fake);
  for (const role of RoleSchema.options) secrets[role] = await makeToken(role);
});
afterAll(() => stopIntercepting());

describe("the role matrix, from the route table", () => {
  const people = API_ROUTES.filter((r) => r.auth !== "none" && r.auth !== "run_token" && r.auth !== "agent_token");

  it("covers every route of the table", () => {
    expect(API_ROUTES.length).toBeGreaterThan(50);
    expect(people.length).toBeGreaterThan(40);
  });

  for (const route of people) {
    const least = route.auth as Role;
    for (const role of RoleSchema.options) {
      const allowed = hasRole(role, least);
      it(`${route.method} ${route.path} (least ${least}) × ${role}: ${allowed ? "allowed" : "refused"}`, async () => {
        const before = await snapshot();
        const res = await send(route, secrets[role]);
        if (allowed) {
          expect([401, 403], `${res.status} ${await res.text()}`).not.toContain(res.status);
        } else {
          const error = await expectError(res, 403, "forbidden");
          expect(error.message).toContain(`needs the ${least} role`);
          expect(await snapshot()).toEqual(before);
        }
      });
    }
    it(`${route.method} ${route.path} × no credential: 401`, async () => {
      await expectError(await send(route, null), 401, "unauthorized");
    });
  }

  for (const route of API_ROUTES.filter((r) => r.auth === "run_token")) {
    it(`${route.method} ${route.path} (run token) refuses every role's token`, async () => {
      runId ||= (await submitGreet()).id;
      for (const role of RoleSchema.options) {
        const res = await send(route, secrets[role]);
        expect([401, 403], `${role}: ${res.status}`).toContain(res.status);
      }
    });
  }

  for (const route of API_ROUTES.filter((r) => r.auth === "agent_token")) {
    it(`${route.method} ${route.path} (agent token) refuses every role's token`, async () => {
      for (const role of RoleSchema.options) {
        const before = await snapshot();
        await expectError(await send(route, secrets[role]), 401, "unauthorized");
        expect(await snapshot()).toEqual(before);
      }
    });
  }

  for (const route of API_ROUTES.filter((r) => r.auth === "none")) {
    it(`${route.method} ${route.path} (no credential needed) lets anyone through`, async () => {
      // (GET /api/session may still say 401 "not signed in": that is its answer, not the gate's.)
      expect((await send(route, null)).status).not.toBe(403);
    });
  }
});

describe("a launcher's own runs", () => {
  it("lets a launcher reorder the queued runs it launched, and no one else's; an operator reorders any", async () => {
    await saveOverrides({ run_coordinator: { type: "queued" } });
    expect((await call("POST", "/api/queue/pause")).status).toBe(200);
    const launcher = await makeToken("launcher", "mine");
    const other = await makeToken("launcher", "theirs");
    const submit = { location: "demo", job: "greet", run_config: { ops: { greet: { config: { name: "Ada" } } } } };
    const mine = (await (await call("POST", "/api/runs", { token: launcher, body: submit })).json()) as {
      run: { id: string; tags: Record<string, string> };
    };
    expect(mine.run.tags["flightdeck/user"]).toMatch(/^tok_/);
    const ok = await call("PATCH", `/api/runs/${mine.run.id}`, { token: launcher, body: { priority: 3 } });
    expect(ok.status).toBe(200);
    const refused = await call("PATCH", `/api/runs/${mine.run.id}`, { token: other, body: { priority: 9 } });
    expect((await expectError(refused, 403, "forbidden")).message).toContain("launched by someone else");
    const byOperator = await call("PATCH", `/api/runs/${mine.run.id}`, {
      token: secrets.operator,
      body: { priority: 1 },
    });
    expect(byOperator.status).toBe(200);
  });

  it("refuses a submit that sets flightdeck/user itself", async () => {
    const res = await call("POST", "/api/runs", {
      token: secrets.launcher,
      body: { location: "demo", job: "greet", tags: { "flightdeck/user": "admin" } },
    });
    await expectError(res, 422, "validation_failed");
  });
});
