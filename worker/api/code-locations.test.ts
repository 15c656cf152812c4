import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CodeLocationListSchema, CodeLocationReplySchema, generateSecret } from "../../protocol";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { interceptCodeLocations } from "../test/fake-code-location";
import { FAKE_URL, newFake, registerFake } from "../test/fixtures";
import { call, countRows, expectError, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
beforeEach(() => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
});
afterEach(() => {
  expect(fake.rejected).toEqual([]); // every request the control plane sent was signed correctly
  spy.mockRestore();
});

const body = (overrides: Record<string, unknown> = {}) => ({
  name: "demo",
  url: FAKE_URL,
  secret: fake.secret,
  ...overrides,
});

describe("POST /api/code-locations", () => {
  it("registers a location, loads its definitions with a signed request, and replies 201 LOADED", async () => {
    const res = await call("POST", "/api/code-locations", { body: body() });
    expect(res.status).toBe(201);
    const text = await res.text();
    const { code_location } = CodeLocationReplySchema.parse(JSON.parse(text));
    expect(code_location).toMatchObject({
      name: "demo",
      url: FAKE_URL,
      status: "LOADED",
      load_error: null,
      job_count: 2,
    });
    expect(code_location.loaded_at).toEqual(expect.any(Number));
    expect(text).not.toContain(fake.secret);
  });

  it("never returns the secret when listing", async () => {
    await registerFake(fake);
    const res = await call("GET", "/api/code-locations");
    const text = await res.text();
    expect(CodeLocationListSchema.parse(JSON.parse(text)).code_locations.map((l) => l.name)).toEqual(["demo"]);
    expect(text).not.toContain(fake.secret);
    expect(text).not.toContain("whsec_");
  });

  it("answers 409 conflict when the name exists, and keeps the first", async () => {
    await registerFake(fake);
    const error = await expectError(
      await call("POST", "/api/code-locations", { body: body({ url: "http://elsewhere.test" }) }),
      409,
      "conflict",
    );
    expect(error.message).toMatch(/PUT \/api\/code-locations\/demo/);
    const stored = await env.DB.prepare("SELECT url FROM code_locations").all<{ url: string }>();
    expect(stored.results).toEqual([{ url: FAKE_URL }]);
  });

  it("registers an unreachable location as LOAD_ERROR with the network error shown", async () => {
    fake.onDefinitions = "network_error";
    const res = await call("POST", "/api/code-locations", { body: body() });
    expect(res.status).toBe(201);
    const { code_location } = CodeLocationReplySchema.parse(await res.json());
    expect(code_location.status).toBe("LOAD_ERROR");
    expect(code_location.load_error).toBe(
      `GET ${FAKE_URL}/definitions could not be reached (no connection to the code location server: Network connection lost)`,
    );
    expect(code_location.job_count).toBe(0);
  });

  it("shows the status and the error a failing code location server answered", async () => {
    const envelope = { error: { code: "internal_error", message: "module 'jobs' has no attribute 'greet'" } };
    fake.onDefinitions = { status: 500, body: JSON.stringify(envelope) };
    const { code_location } = CodeLocationReplySchema.parse(
      await (await call("POST", "/api/code-locations", { body: body() })).json(),
    );
    expect(code_location.status).toBe("LOAD_ERROR");
    expect(code_location.load_error).toBe(
      `GET ${FAKE_URL}/definitions answered 500 Internal Server Error: internal_error: module 'jobs' has no attribute 'greet'`,
    );
  });

  it("quotes nothing of a reply that is not a code location server's error, so a URL cannot read another service", async () => {
    fake.onDefinitions = { status: 403, body: "<html>internal admin console: secret=hunter2</html>" };
    const { code_location } = CodeLocationReplySchema.parse(
      await (await call("POST", "/api/code-locations", { body: body() })).json(),
    );
    expect(code_location.load_error).toBe(
      `GET ${FAKE_URL}/definitions answered 403 Forbidden (not an error reply of a code location server)`,
    );
  });

  it("does not follow a redirect, and says so", async () => {
    fake.onDefinitions = { status: 302, body: "", location: "http://169.254.169.254/latest/meta-data" };
    const { code_location } = CodeLocationReplySchema.parse(
      await (await call("POST", "/api/code-locations", { body: body() })).json(),
    );
    expect(code_location.status).toBe("LOAD_ERROR");
    expect(code_location.load_error).toContain("answered 302 Found, a redirect, which is not followed");
  });

  it("names the path of definitions that do not match the protocol", async () => {
    fake.definitions = { jobs: [{ name: "x" }], schedules: [], sensors: [] };
    const { code_location } = CodeLocationReplySchema.parse(
      await (await call("POST", "/api/code-locations", { body: body() })).json(),
    );
    expect(code_location.status).toBe("LOAD_ERROR");
    expect(code_location.load_error).toContain("jobs.0.executor");
  });

  it.each([
    ["a secret that is not whsec_", { secret: "hunter2" }, "secret", /whsec_/],
    ["a whsec_ secret that is too short", { secret: "whsec_c2hvcnQ=" }, "secret", /at least 24 random bytes/],
    ["a name with capitals", { name: "Demo" }, "name", /lowercase/],
    ["a url that is not http", { url: "ftp://x.test" }, "url", /http/],
    ["a missing url", { url: undefined }, "url", /./],
  ])("refuses %s with 422 validation_failed and stores nothing", async (_what, overrides, path, message) => {
    const error = await expectError(
      await call("POST", "/api/code-locations", { body: body(overrides) }),
      422,
      "validation_failed",
    );
    expect(error.details).toEqual({ issues: [expect.objectContaining({ path })] });
    expect(error.message).toMatch(message);
    expect(await countRows("code_locations")).toBe(0);
  });
});

describe("PUT /api/code-locations/:name", () => {
  it("creates with 201, then replaces with 200", async () => {
    const created = await call("PUT", "/api/code-locations/demo", { body: { url: FAKE_URL, secret: fake.secret } });
    expect(created.status).toBe(201);
    fake.onDefinitions = { status: 503, body: "restarting" };
    const replaced = await call("PUT", "/api/code-locations/demo", { body: { url: FAKE_URL, secret: fake.secret } });
    expect(replaced.status).toBe(200);
    expect(CodeLocationReplySchema.parse(await replaced.json()).code_location.status).toBe("LOAD_ERROR");
    expect(await countRows("code_locations")).toBe(1);
  });

  it("takes a new secret when replacing", async () => {
    await registerFake(fake);
    const other = generateSecret();
    await call("PUT", "/api/code-locations/demo", { body: { url: FAKE_URL, secret: other } });
    const row = await env.DB.prepare("SELECT secret FROM code_locations").first<{ secret: string }>();
    expect(row?.secret).toBe(other);
    fake.rejected.length = 0; // the fake still holds the old secret, so it refused that load, as it should
  });

  it("refuses an invalid name in the path with 422", async () => {
    const res = await call("PUT", "/api/code-locations/Bad%20Name", { body: { url: FAKE_URL, secret: fake.secret } });
    await expectError(res, 422, "validation_failed");
    expect(await countRows("code_locations")).toBe(0);
  });
});

describe("reload and delete", () => {
  it("reloads: LOAD_ERROR becomes LOADED once the server answers", async () => {
    fake.onDefinitions = "network_error";
    await registerFake(fake);
    fake.onDefinitions = "ok";
    const res = await call("POST", "/api/code-locations/demo/reload");
    expect(res.status).toBe(200);
    expect(CodeLocationReplySchema.parse(await res.json()).code_location).toMatchObject({
      status: "LOADED",
      load_error: null,
    });
  });

  it("answers 404 location_not_found for reloading or deleting an unknown location", async () => {
    await expectError(await call("POST", "/api/code-locations/nope/reload"), 404, "location_not_found");
    await expectError(await call("DELETE", "/api/code-locations/nope"), 404, "location_not_found");
  });

  it("deletes with 204", async () => {
    await registerFake(fake);
    const res = await call("DELETE", "/api/code-locations/demo");
    expect(res.status).toBe(204);
    expect(await countRows("code_locations")).toBe(0);
  });
});
