/**
 * Requests past the bounds fail as 4xx that name the bound, never as a 500 from storage or a
 * stack overflow in validation, and store nothing.
 */
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, MAX_STATUS_FILTERS, MAX_TAG_FILTERS } from "../../protocol";
import { submitGreet, useRegisteredFake } from "../test/fixtures";
import { call, countAllRows, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
useRunCoordinator("default");
const fake = useRegisteredFake();

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("request limits", () => {
  it("refuses a run_config nested 2,000 deep with 400 limit_exceeded, storing nothing", async () => {
    const before = await countAllRows();
    const rawBody = `{"location":"demo","job":"greet","run_config":{"ops":${nested(2000)}}}`;
    const error = await expectError(await call("POST", "/api/runs", { rawBody }), 400, "limit_exceeded");
    expect(error.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels (at run_config.ops.0.0`);
    expect(await countAllRows()).toEqual(before);
  });

  it("refuses event data nested 5,000 deep before looking at it", async () => {
    const run = await submitGreet();
    const token = fake().launches.find((l) => l.run_id === run.id)?.run_token ?? null;
    const before = await countAllRows();
    const res = await call("POST", `/api/runs/${run.id}/events`, {
      token,
      rawBody: `{"events":[{"seq":1,"type":"LOG","ts":1,"data":${nested(5000)}}]}`,
    });
    await expectError(res, 400, "limit_exceeded");
    expect(await countAllRows()).toEqual(before);
  });

  it("refuses 100 status filters and 50 tag filters with a 400 naming the cap", async () => {
    const statuses = Array.from({ length: 100 }, () => "SUCCESS").join(",");
    const byStatus = await expectError(await call("GET", `/api/runs?status=${statuses}`), 400, "limit_exceeded");
    expect(byStatus.message).toContain(`at most ${MAX_STATUS_FILTERS} status filters`);
    const tags = Array.from({ length: 50 }, (_, i) => `tag=k${i}%3Dv`).join("&");
    const byTag = await expectError(await call("GET", `/api/runs?${tags}`), 400, "limit_exceeded");
    expect(byTag.message).toContain(`at most ${MAX_TAG_FILTERS} tag filters`);
  });

  it("answers the most filters it allows", async () => {
    const statuses = ["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED", "NOT_STARTED"];
    const tags = Array.from({ length: MAX_TAG_FILTERS }, (_, i) => `tag=k${i}%3Dv`).join("&");
    const res = await call("GET", `/api/runs?status=${statuses.join(",")}&${tags}&created_after=1&location=x&job=y`);
    expect(res.status).toBe(200);
  });

  it("loads definitions nested 20,000 deep as a LOAD_ERROR that says so, not a 500", async () => {
    fake().onDefinitions = { status: 200, body: `{"jobs":${nested(20_000)}}` };
    const res = await call("POST", "/api/code-locations/demo/reload");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code_location: { status: string; load_error: string } };
    expect(body.code_location.status).toBe("LOAD_ERROR");
    expect(body.code_location.load_error).toContain(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const rawBody = JSON.stringify({ location: "demo", job: "greet", tags: { big: "x".repeat(1024 * 1024) } });
    await expectError(await call("POST", "/api/runs", { rawBody }), 413, "payload_too_large");
  });
});

describe("reserved tags at submit", () => {
  it.each([
    [{ "flightdeck/max_runtime": "-5" }, "tags.flightdeck/max_runtime"],
    [{ "flightdeck/parent_run_id": "made-up" }, "tags.flightdeck/parent_run_id"],
  ])("refuses %o with 422 naming the tag, storing nothing", async (tags, path) => {
    const before = await countAllRows();
    const res = await call("POST", "/api/runs", { body: { location: "demo", job: "greet", tags } });
    const error = await expectError(res, 422, "validation_failed");
    expect(error.details).toEqual({ issues: [expect.objectContaining({ path })] });
    expect(await countAllRows()).toEqual(before);
  });
});
