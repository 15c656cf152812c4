import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DefinitionsSchema, generateSecret, signWebhook } from "../../protocol";
import { type ServeProcess, startServe } from "../testing/serve-process";

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe();
});

afterAll(async () => {
  await serve?.stop();
});

const launchBody = {
  run_id: "never-runs",
  attempt: 1,
  location: "demo",
  job: "noop",
  run_config: {},
  tags: {},
  events_url: "http://127.0.0.1:9/api/runs/never-runs/events",
  run_token: "t",
};

describe("GET /definitions", () => {
  it("serves every job of the demo location with its graph and run config schema", async () => {
    const response = await serve.request("GET", "/definitions");
    expect(response.status).toBe(200);
    const definitions = DefinitionsSchema.parse(await response.json());
    expect(definitions.jobs.map((j) => j.name)).toEqual(["diamond", "fails", "sleepy", "noop", "greet"]);
    const diamond = definitions.jobs.find((j) => j.name === "diamond");
    expect(diamond?.nodes.find((n) => n.name === "d")?.inputs.map((i) => i.from)).toEqual([
      { node: "b", output: "result" },
      { node: "c", output: "result" },
    ]);
    expect(diamond?.default_run_config).toEqual({ ops: { a: { config: { value: 1 } } } });
    const greet = definitions.jobs.find((j) => j.name === "greet");
    expect(greet?.default_run_config).toBeNull();
    expect(greet?.run_config_schema).toMatchObject({ required: ["ops"], properties: { ops: { required: ["hello"] } } });
  });
});

describe("request signatures", () => {
  const cases: { name: string; send: () => Promise<Response>; says: RegExp }[] = [
    {
      name: "an unsigned request",
      send: () => fetch(`${serve.url}/runs`, { method: "POST", body: JSON.stringify(launchBody) }),
      says: /not signed/,
    },
    {
      name: "a request signed with another secret",
      send: () => serve.request("POST", "/runs", launchBody, { secret: generateSecret() }),
      says: /does not match/,
    },
    {
      name: "a request whose timestamp is more than 5 minutes old",
      send: () => serve.request("POST", "/runs", launchBody, { nowSeconds: Math.floor(Date.now() / 1000) - 301 }),
      says: /300 seconds/,
    },
  ];

  for (const { name, send, says } of cases) {
    it(`refuses ${name} with 401 and runs nothing`, async () => {
      const response = await send();
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toMatch(says);
      expect(existsSync(join(serve.dataDir, "runs"))).toBe(false);
    });
  }

  it("refuses a replayed request with 401 and runs nothing", async () => {
    const text = JSON.stringify({ ...launchBody, job: "no_such_job" });
    const headers = {
      ...(await signWebhook(serve.secret, { method: "POST", path: "/runs", body: text })),
      "content-type": "application/json",
    };
    const first = await fetch(`${serve.url}/runs`, { method: "POST", headers, body: text });
    expect(first.status).toBe(404);
    const replay = await fetch(`${serve.url}/runs`, { method: "POST", headers, body: text });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/replay/) },
    });
    expect(existsSync(join(serve.dataDir, "runs"))).toBe(false);
  });
});
