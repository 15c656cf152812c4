import { afterEach, beforeEach, describe, expect, it } from "vitest";
import packageJson from "../package.json";
import { HealthSchema } from "../protocol";
import { interceptCodeLocations } from "./test/fake-code-location";
import { newFake, registerFake, submitGreet } from "./test/fixtures";
import { call, countAllRows, expectError, useCleanDatabase } from "./test/helpers";
import { useRunCoordinator } from "./test/run-coordinator-type";

useCleanDatabase();
// Written for launch-at-once; the queue has its own tests (worker/coordinator/).
useRunCoordinator("default");

const ADMIN_ROUTES: ReadonlyArray<readonly [string, string]> = [
  ["GET", "/api/code-locations"],
  ["POST", "/api/code-locations"],
  ["PUT", "/api/code-locations/demo"],
  ["POST", "/api/code-locations/demo/reload"],
  ["DELETE", "/api/code-locations/demo"],
  ["GET", "/api/jobs"],
  ["GET", "/api/jobs/demo/greet"],
  ["POST", "/api/runs"],
  ["GET", "/api/runs"],
  ["GET", "/api/runs/some-id"],
  ["GET", "/api/runs/some-id/events"],
  ["POST", "/api/runs/some-id/terminate"],
];

describe("the API's envelope and limits", () => {
  it("answers GET /api/health without a token, with the package version", async () => {
    const res = await call("GET", "/api/health", { token: null });
    expect(res.status).toBe(200);
    expect(HealthSchema.parse(await res.json())).toEqual({ status: "ok", version: packageJson.version });
  });

  it("gives every reply a request id", async () => {
    const res = await call("GET", "/api/health", { token: null });
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
  });

  it("answers an unknown route with 404 not_found", async () => {
    const error = await expectError(await call("GET", "/api/nope"), 404, "not_found");
    expect(error.message).toContain("GET /api/nope");
  });

  it("answers malformed JSON with 400 invalid_json and stores nothing", async () => {
    const error = await expectError(await call("POST", "/api/runs", { rawBody: '{"location": ' }), 400, "invalid_json");
    expect(error.message).toMatch(/not valid JSON/);
    expect(await countAllRows()).toEqual({ code_locations: 0, runs: 0, run_tags: 0, event_log: 0 });
  });

  it("answers an empty body with 400 invalid_json", async () => {
    await expectError(await call("POST", "/api/code-locations", { rawBody: "" }), 400, "invalid_json");
  });

  it("answers a body over 1 MB with 413 payload_too_large and stores nothing", async () => {
    const big = { location: "demo", job: "greet", tags: { filler: "x".repeat(1024 * 1024) } };
    const error = await expectError(await call("POST", "/api/runs", { body: big }), 413, "payload_too_large");
    expect(error.message).toMatch(/1048576 bytes/);
    expect(await countAllRows()).toEqual({ code_locations: 0, runs: 0, run_tags: 0, event_log: 0 });
  });
});

describe("admin authentication", () => {
  it.each(ADMIN_ROUTES)("%s %s without a token is 401 unauthorized", async (method, path) => {
    const error = await expectError(await call(method, path, { token: null, body: {} }), 401, "unauthorized");
    expect(error.message).toMatch(/Authorization: Bearer/);
  });

  it.each(ADMIN_ROUTES)("%s %s with a wrong token is 401 unauthorized", async (method, path) => {
    await expectError(await call(method, path, { token: "not-the-admin-token", body: {} }), 401, "unauthorized");
  });

  it("does not accept a malformed Authorization header", async () => {
    const res = await call("GET", "/api/runs", { token: "" });
    await expectError(res, 401, "unauthorized");
  });

  describe("with a launched run", () => {
    let spy: ReturnType<typeof interceptCodeLocations>;
    const fake = newFake();
    beforeEach(() => {
      spy = interceptCodeLocations(fake);
    });
    afterEach(() => spy.mockRestore());

    it("refuses a run token on every admin route, and stores nothing", async () => {
      await registerFake(fake);
      await submitGreet();
      const runToken = fake.launches.at(-1)?.run_token ?? "";
      expect(runToken).not.toBe("");
      const before = await countAllRows();
      for (const [method, path] of ADMIN_ROUTES) {
        await expectError(await call(method, path, { token: runToken, body: {} }), 401, "unauthorized");
      }
      expect(await countAllRows()).toEqual(before);
    });
  });
});
