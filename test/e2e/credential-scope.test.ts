/**
 * Credentials that are only good for what they were made for, end to end: a signature made for
 * one route of the code location server is refused on another, and an ended run's token is
 * refused on every run-worker route of the control plane, storing nothing; a revoked API token and
 * a signed-out dashboard session are refused on their very next request, as are the sessions of
 * a revoked token.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LaunchRequestSchema, signWebhook } from "../../protocol";
import { LAUNCH_FILE, runAttemptDir } from "../../runner/run-files";
import { type E2EStack, startE2EStack } from "../support/e2e-stack";

let stack: E2EStack;
beforeAll(async () => {
  stack = await startE2EStack();
});
afterAll(async () => {
  await stack?.teardown();
});

describe("credential scope", () => {
  it("refuses a signature made for GET /definitions on POST /runs/:id/terminate", async () => {
    const headers = await signWebhook(stack.location.secret, { method: "GET", path: "/definitions", body: "" });
    const definitions = await fetch(`${stack.location.url}/definitions`, { headers: { ...headers } });
    expect(definitions.status).toBe(200);
    await definitions.text();
    const fresh = await signWebhook(stack.location.secret, { method: "GET", path: "/definitions", body: "" });
    const terminate = await fetch(`${stack.location.url}/runs/some-run/terminate`, {
      method: "POST",
      headers: { ...fresh },
    });
    expect(terminate.status).toBe(401);
    expect(await terminate.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/signed for another/) },
    });
  });

  it("refuses an ended run's token on every run-worker route, storing nothing", async () => {
    const { client } = stack.controlPlane;
    const run = await client.waitForRun((await client.submitRun({ location: "demo", job: "noop" })).id);
    expect(run.status).toBe("SUCCESS");
    const launch = LaunchRequestSchema.parse(
      JSON.parse(readFileSync(path.join(runAttemptDir(path.join(stack.dir, "demo"), run.id, 1), LAUNCH_FILE), "utf8")),
    );
    const eventsBefore = await client.listEvents(run.id);
    const base = `${stack.controlPlane.url}/api/runs/${run.id}`;
    const writes: Array<[string, string, unknown]> = [
      ["POST", `${base}/events`, { events: [{ seq: 10_000, type: "RUN_FAILURE", ts: Date.now() }] }],
      ["POST", `${base}/compute-logs/step`, { stream: "stdout", offset: 0, data: "late" }],
      ["POST", `${base}/pool-slots`, { step_key: "step", pool: "db", wait_ms: 0 }],
      ["POST", `${base}/pool-slots/renew`, { step_keys: ["step"] }],
      ["DELETE", `${base}/pool-slots/step`, undefined],
    ];
    for (const [method, url, body] of writes) {
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${launch.run_token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect({ url, status: res.status, body: await res.json() }).toMatchObject({
        status: 409,
        body: { error: { code: "run_ended" } },
      });
    }
    expect(await client.listEvents(run.id)).toEqual(eventsBefore);
    expect((await client.getRun(run.id)).status).toBe("SUCCESS");
  });

  const api = (pathname: string, init: { method?: string; token?: string; cookie?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json", origin: stack.controlPlane.url };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.cookie) headers.cookie = init.cookie;
    return fetch(`${stack.controlPlane.url}${pathname}`, {
      method: init.method ?? "GET",
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  };
  const signIn = async (token: string) => {
    const res = await api("/api/session", { method: "POST", body: { token } });
    expect(res.status).toBe(200);
    return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  };
  const makeToken = async (name: string) => {
    const res = await api("/api/tokens", {
      method: "POST",
      token: stack.adminToken,
      body: { name, role: "launcher" },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { token: { id: string }; secret: string };
  };

  it("refuses a revoked API token, and the sessions made from it, on the next request", async () => {
    const { token, secret } = await makeToken("e2e-revoked");
    const cookie = await signIn(secret);
    expect((await api("/api/runs?limit=1", { token: secret })).status).toBe(200);
    expect((await api("/api/runs?limit=1", { cookie })).status).toBe(200);

    const revoked = await api(`/api/tokens/${token.id}`, { method: "DELETE", token: stack.adminToken });
    expect(revoked.status).toBe(200);

    for (const credential of [{ token: secret }, { cookie }]) {
      const res = await api("/api/runs?limit=1", credential);
      expect({ status: res.status, body: await res.json() }).toMatchObject({
        status: 401,
        body: { error: { code: "unauthorized" } },
      });
    }
    // Nothing can be launched with it either.
    const submit = await api("/api/runs", { method: "POST", token: secret, body: { location: "demo", job: "noop" } });
    expect(submit.status).toBe(401);
  });

  it("refuses a signed-out session's cookie on the next request, while the token still works", async () => {
    const { secret } = await makeToken("e2e-signout");
    const cookie = await signIn(secret);
    expect((await api("/api/session", { cookie })).status).toBe(200);
    const out = await api("/api/session", { method: "DELETE", cookie });
    expect(out.status).toBe(204);
    // The browser would drop the cookie; a copy kept by anyone else is worth nothing now.
    const res = await api("/api/runs?limit=1", { cookie });
    expect(res.status).toBe(401);
    expect((await api("/api/runs?limit=1", { token: secret })).status).toBe(200);
  });

  it("names the token in the audit row of what it did", async () => {
    const { token, secret } = await makeToken("e2e-audit");
    const submit = await api("/api/runs", {
      method: "POST",
      token: secret,
      body: { location: "demo", job: "noop" },
    });
    expect(submit.status).toBe(201);
    const audit = await api(`/api/audit?action=submitRun&actor=${token.id}`, { token: stack.adminToken });
    const { entries } = (await audit.json()) as { entries: Array<{ actor: string; action: string }> };
    expect(entries[0]).toMatchObject({ action: "submitRun", actor: `token "e2e-audit" (${token.id})` });
  });
});
