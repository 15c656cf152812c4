/**
 * Credentials that are only good for what they were made for, end to end: a signature made for
 * one route of the code location server is refused on another, and an ended run's token is
 * refused on every run-worker route of the control plane, storing nothing.
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
});
