import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BulkTerminateReplySchema,
  CreatedApiTokenReplySchema,
  RunListSchema,
  SessionReplySchema,
} from "../../protocol";
import { ADMIN_TOKEN, call, expectError, ORIGIN, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Written for launch-at-once; the queue has its own tests (worker/coordinator/).
useRunCoordinator("default");

/** A browser-like request: no Authorization header, the cookie, and an Origin when given. */
function browserCall(
  method: string,
  path: string,
  opts: { cookie?: string; origin?: string | null; body?: unknown; base?: string } = {},
) {
  const headers = new Headers();
  if (opts.cookie) headers.set("cookie", opts.cookie);
  const origin = opts.origin === undefined ? ORIGIN : opts.origin;
  if (origin !== null) headers.set("origin", origin);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`${opts.base ?? ORIGIN}${path}`, { method, headers, body }));
}

async function signIn(base = ORIGIN): Promise<{ res: Response; cookie: string }> {
  const res = await browserCall("POST", "/api/session", { body: { token: ADMIN_TOKEN }, base, origin: base });
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { res, cookie: setCookie.split(";")[0] ?? "" };
}

describe("signing in to the dashboard", () => {
  it("trades the admin token for an HttpOnly, SameSite=Strict, Secure session cookie", async () => {
    const { res, cookie } = await signIn();
    expect(res.status).toBe(200);
    const { session } = SessionReplySchema.parse(await res.json());
    expect(session.role).toBe("admin");
    expect(session.expires_at).toBeGreaterThan(Date.now());
    const header = res.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^flightdeck_session=fds_/);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Secure/);
    expect(header).toMatch(/Path=\//);
    // The token itself never travels back.
    expect(header).not.toContain(ADMIN_TOKEN);
    expect(cookie).not.toContain(ADMIN_TOKEN);
  });

  it("leaves Secure off only for plain http on loopback (local wrangler dev)", async () => {
    const local = await signIn("http://127.0.0.1:8787");
    expect(local.res.headers.get("set-cookie")).not.toMatch(/Secure/);
    const remote = await signIn("http://flightdeck.example.com");
    expect(remote.res.headers.get("set-cookie")).toMatch(/Secure/);
  });

  it("refuses a wrong token with 401 and sets no cookie", async () => {
    const res = await browserCall("POST", "/api/session", { body: { token: "nope" } });
    expect(res.headers.get("set-cookie")).toBeNull();
    await expectError(res, 401, "unauthorized");
  });

  it("refuses a sign-in posted from another origin", async () => {
    const res = await browserCall("POST", "/api/session", {
      body: { token: ADMIN_TOKEN },
      origin: "https://evil.test",
    });
    await expectError(res, 403, "forbidden");
  });

  it("answers GET /api/session with the session, and 401 without one", async () => {
    const { cookie } = await signIn();
    const res = await browserCall("GET", "/api/session", { cookie, origin: null });
    expect(SessionReplySchema.parse(await res.json()).session.role).toBe("admin");
    await expectError(await browserCall("GET", "/api/session", { origin: null }), 401, "unauthorized");
  });

  it("signs out by ending the session on the server and expiring the cookie", async () => {
    const { cookie } = await signIn();
    const res = await browserCall("DELETE", "/api/session", { cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/flightdeck_session=;.*Max-Age=0/);
    // A copy of the cookie kept from before sign-out is worth nothing at once.
    await expectError(await browserCall("GET", "/api/runs", { cookie, origin: null }), 401, "unauthorized");
  });

  it("signs in with an API token, with that token's role, and revoking the token ends the session", async () => {
    const made = await call("POST", "/api/tokens", { body: { name: "dash", role: "viewer" } });
    const { token, secret } = CreatedApiTokenReplySchema.parse(await made.json());
    const res = await browserCall("POST", "/api/session", { body: { token: secret } });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { session } = SessionReplySchema.parse(await res.json());
    expect(session).toMatchObject({ role: "viewer", actor: expect.stringContaining('token "dash"') });
    expect((await browserCall("GET", "/api/runs", { cookie, origin: null })).status).toBe(200);
    // A viewer's session may read but not change.
    await expectError(
      await browserCall("POST", "/api/runs/terminate", { cookie, body: { run_ids: ["nope"] } }),
      403,
      "forbidden",
    );
    expect((await call("DELETE", `/api/tokens/${token.id}`)).status).toBe(200);
    await expectError(await browserCall("GET", "/api/runs", { cookie, origin: null }), 401, "unauthorized");
  });
});

describe("the session cookie on the API", () => {
  it("reads the API with the cookie alone", async () => {
    const { cookie } = await signIn();
    const res = await browserCall("GET", "/api/runs", { cookie, origin: null });
    expect(res.status).toBe(200);
    expect(RunListSchema.parse(await res.json()).runs).toEqual([]);
  });

  it("accepts a mutation from the dashboard's own origin", async () => {
    const { cookie } = await signIn();
    const res = await browserCall("POST", "/api/runs/terminate", { cookie, body: { run_ids: ["nope"] } });
    expect(res.status).toBe(200);
    expect(BulkTerminateReplySchema.parse(await res.json()).results[0]).toMatchObject({ ok: false });
  });

  it.each([
    ["no Origin", null],
    ["another origin", "https://evil.test"],
    ["the same host over http", "http://flightdeck.test"],
  ])("refuses a mutation with the cookie from %s: 403", async (_what, origin) => {
    const { cookie } = await signIn();
    const res = await browserCall("POST", "/api/runs/terminate", { cookie, origin, body: { run_ids: ["nope"] } });
    await expectError(res, 403, "forbidden");
  });

  it("refuses a forged or foreign cookie with 401", async () => {
    const forged = "flightdeck_session=v1.99999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    await expectError(await browserCall("GET", "/api/runs", { cookie: forged, origin: null }), 401, "unauthorized");
  });

  it("keeps bearer tokens working, without an Origin check", async () => {
    const res = await call("POST", "/api/runs/terminate", { body: { run_ids: ["nope"] } });
    expect(res.status).toBe(200);
  });
});
