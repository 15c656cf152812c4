/**
 * The HTTP run launcher's signatures, from the code location server's side: a launch signed
 * with the wrong secret is refused and starts nothing, and the control plane records why.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecret, RunWorkerHealthSchema, signWebhook } from "../../protocol";
import {
  DEMO_LOCATION_FILE,
  type E2EStack,
  runWorkerPid,
  startCodeLocation,
  startE2EStack,
} from "../support/e2e-stack";

let stack: E2EStack;
beforeAll(async () => {
  stack = await startE2EStack();
});
afterAll(async () => {
  await stack?.teardown();
});

describe("launch signing", () => {
  it("refuses a launch signed with another secret, runs nothing, and the run fails with the reason", async () => {
    const { client } = stack.controlPlane;
    // The server's secret is rotated behind the control plane's back: same URL, new secret.
    const port = Number(new URL(stack.location.url).port);
    await stack.location.stop();
    const rotated = await startCodeLocation({
      name: "demo",
      file: DEMO_LOCATION_FILE,
      dataDir: path.join(stack.dir, "demo-rotated"),
      secret: generateSecret(),
      port,
    });
    stack.location = rotated;

    const run = await client.waitForRun((await client.submitRun({ location: "demo", job: "noop" })).id);
    expect(run.status).toBe("FAILURE");
    const events = await client.listEvents(run.id);
    const reason = events.find((e) => e.type === "ENGINE_EVENT" && e.level === "ERROR");
    expect(reason?.message).toMatch(/401|signature/i);
    expect(events.some((e) => e.type === "RUN_START")).toBe(false);

    // Nothing ran: no process for the run, and the server (asked with its own secret) never heard of it.
    expect(runWorkerPid(path.join(stack.dir, "demo-rotated"), run.id)).toBeNull();
    const headers = await signWebhook(rotated.secret, { method: "GET", path: `/runs/${run.id}`, body: "" });
    const health = RunWorkerHealthSchema.parse(
      await (await fetch(`${rotated.url}/runs/${run.id}`, { headers: { ...headers } })).json(),
    );
    expect(health.state).toBe("unknown");
  });
});
