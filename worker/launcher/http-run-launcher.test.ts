import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { generateSecret, LaunchRequestSchema, verifyWebhook } from "../../protocol";
import { insertCodeLocation } from "../storage/code-locations-repo";
import { openDatabase } from "../storage/db";
import { useCleanDatabase } from "../test/helpers";
import { HttpRunLauncher } from "./http-run-launcher";
import type { FetchFn } from "./signed-fetch";

useCleanDatabase();

const secret = generateSecret();
const run: Run = {
  id: "run-1",
  location: "demo",
  job: "greet",
  status: "STARTING",
  run_config: {},
  tags: {},
  priority: 0,
  attempt: 1,
  parent_run_id: null,
  root_run_id: null,
  created_at: 1,
  updated_at: 1,
  started_at: null,
  ended_at: null,
  agent: null,
};

async function withLocation() {
  const db = openDatabase(env.DB);
  await insertCodeLocation(
    db,
    { name: "demo", url: "http://loc.test/base/", secret },
    { status: "LOAD_ERROR", loadError: "x" },
    1,
  );
  return db;
}

describe("HttpRunLauncher", () => {
  it("posts a signed LaunchRequest to <url>/runs and returns the handle", async () => {
    const db = await withLocation();
    const seen: { url: string; body: string; verified: boolean }[] = [];
    const fetchFn: FetchFn = async (url, init) => {
      const body = String(init.body);
      const target = { method: String(init.method), path: new URL(url).pathname, body };
      const verified = (await verifyWebhook(secret, new Headers(init.headers), target)).ok;
      seen.push({ url, body, verified });
      return Response.json({ handle: "h-1" }, { status: 202 });
    };
    const launcher = new HttpRunLauncher(db, { fetch: fetchFn });
    const outcome = await launcher.launchRun({
      run,
      runToken: "fdrt_x",
      eventsUrl: "https://cp.test/api/runs/run-1/events",
    });
    expect(outcome).toEqual({ ok: true, handle: "h-1" });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("http://loc.test/base/runs");
    expect(seen[0]?.verified).toBe(true);
    expect(LaunchRequestSchema.parse(JSON.parse(seen[0]?.body ?? ""))).toMatchObject({
      run_id: "run-1",
      run_token: "fdrt_x",
    });
  });

  it("gives up after its timeout and says so", async () => {
    const db = await withLocation();
    const hang: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const launcher = new HttpRunLauncher(db, { fetch: hang, timeoutMs: 20 });
    const outcome = await launcher.launchRun({ run, runToken: "t", eventsUrl: "https://cp.test/e" });
    expect(outcome).toEqual({
      ok: false,
      unreachable: true,
      reason: "POST http://loc.test/base/runs did not answer within 20 ms",
    });
  });

  it.each([
    [
      "a refused connection (workerd: Network connection lost.)",
      () => Promise.reject(new TypeError("Network connection lost.")),
      true,
    ],
    ["a gateway's 503", () => Promise.resolve(new Response("down", { status: 503 })), true],
    ["the server's own 500", () => Promise.resolve(new Response("bug", { status: 500 })), false],
    ["the server's 422", () => Promise.resolve(new Response("bad", { status: 422 })), false],
  ] as const)("tells %s (unreachable: %s) from an answer, in true words", async (_name, reply, unreachable) => {
    const db = await withLocation();
    const launcher = new HttpRunLauncher(db, { fetch: reply });
    const outcome = await launcher.launchRun({ run, runToken: "t", eventsUrl: "https://cp.test/e" });
    expect(outcome).toMatchObject({ ok: false, unreachable });
    if (!outcome.ok) expect(outcome.reason).not.toMatch(/lost\.\./);
    if (unreachable && !outcome.ok && outcome.reason.includes("Network")) {
      expect(outcome.reason).toBe(
        "POST http://loc.test/base/runs could not be reached (no connection to the code location server: Network connection lost)",
      );
    }
  });

  it("reports a location that no longer exists", async () => {
    const launcher = new HttpRunLauncher(openDatabase(env.DB), { fetch: () => Promise.reject(new Error("unused")) });
    expect(await launcher.terminateRun(run)).toEqual({ ok: false, reason: "code location demo no longer exists" });
  });
});
