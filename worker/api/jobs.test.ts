import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobListSchema, JobReplySchema } from "../../protocol";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { GREET_RUN_CONFIG_SCHEMA, interceptCodeLocations } from "../test/fake-code-location";
import { newFake, registerFake } from "../test/fixtures";
import { call, expectError, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
beforeEach(() => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
});
afterEach(() => spy.mockRestore());

describe("jobs", () => {
  it("lists the jobs of every loaded location", async () => {
    await registerFake(fake);
    const res = await call("GET", "/api/jobs");
    expect(res.status).toBe(200);
    expect(JobListSchema.parse(await res.json()).jobs).toEqual([
      {
        location: "demo",
        name: "greet",
        description: "Says hello.",
        tags: { team: "demo" },
        executor: "in_process",
        node_count: 1,
      },
      { location: "demo", name: "noop", description: null, tags: {}, executor: "multiprocess", node_count: 0 },
    ]);
  });

  it("leaves out locations that failed to load", async () => {
    fake.onDefinitions = "network_error";
    await registerFake(fake);
    expect(JobListSchema.parse(await (await call("GET", "/api/jobs")).json()).jobs).toEqual([]);
  });

  it("returns one job with its op graph and run config schema", async () => {
    await registerFake(fake);
    const res = await call("GET", "/api/jobs/demo/greet");
    expect(res.status).toBe(200);
    const { job } = JobReplySchema.parse(await res.json());
    expect(job).toMatchObject({ location: "demo", name: "greet", run_config_schema: GREET_RUN_CONFIG_SCHEMA });
    expect(job.nodes.map((n) => n.name)).toEqual(["greet"]);
  });

  it("answers 404 location_not_found and job_not_found", async () => {
    await registerFake(fake);
    await expectError(await call("GET", "/api/jobs/nope/greet"), 404, "location_not_found");
    const error = await expectError(await call("GET", "/api/jobs/demo/nope"), 404, "job_not_found");
    expect(error.message).toContain("greet, noop");
  });

  it("answers 409 location_not_loaded with the load error", async () => {
    // A code location server answers errors with the protocol's envelope; only its message is quoted.
    fake.onDefinitions = { status: 500, body: JSON.stringify({ error: { code: "internal_error", message: "boom" } }) };
    await registerFake(fake);
    const error = await expectError(await call("GET", "/api/jobs/demo/greet"), 409, "location_not_loaded");
    expect(error.message).toContain("boom");
  });
});
