import { describe, expect, it } from "vitest";
import { ComputeLogReplySchema } from "../../protocol";
import { submitGreet, useRegisteredFake } from "../test/fixtures";
import { call, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Launch at once, so the fake's launches (and run tokens) are there when submit returns.
useRunCoordinator("default");

const fake = useRegisteredFake();

async function upload(runId: string, token: string | null, body: unknown, step = "greet") {
  return call("POST", `/api/runs/${runId}/compute-logs/${step}`, { token, body });
}

async function read(runId: string, query = "", step = "greet") {
  const res = await call("GET", `/api/runs/${runId}/compute-logs/${step}${query}`);
  expect(res.status).toBe(200);
  return ComputeLogReplySchema.parse(await res.json());
}

describe("compute logs", () => {
  it("stores chunks uploaded with the run token and reads them back per stream, from an offset", async () => {
    const run = await submitGreet();
    const token = fake().launches[0]?.run_token ?? "";
    expect((await upload(run.id, token, { stream: "stdout", offset: 0, data: "line 1\n" })).status).toBe(200);
    expect((await upload(run.id, token, { stream: "stdout", offset: 7, data: "line 2\n" })).status).toBe(200);
    // A retried upload of the same chunk changes nothing.
    expect((await upload(run.id, token, { stream: "stdout", offset: 7, data: "line 2\n" })).status).toBe(200);
    await upload(run.id, token, { stream: "stderr", offset: 0, data: "oops\n" });
    expect(await read(run.id)).toEqual({
      step_key: "greet",
      stdout: "line 1\nline 2\n",
      stderr: "oops\n",
      stdout_offset: 14,
      stderr_offset: 5,
    });
    expect(await read(run.id, "?stdout_offset=7&stderr_offset=5")).toMatchObject({ stdout: "line 2\n", stderr: "" });
  });

  it("refuses the admin token, another run's token and no token for uploads", async () => {
    const run = await submitGreet();
    const other = await submitGreet();
    const otherToken = fake().launches[1]?.run_token ?? "";
    const chunk = { stream: "stdout", offset: 0, data: "x" };
    await expectError(await upload(run.id, undefined as unknown as null, chunk), 403, "forbidden");
    await expectError(await upload(run.id, otherToken, chunk), 403, "forbidden");
    await expectError(await upload(run.id, null, chunk), 401, "unauthorized");
    expect((await read(run.id)).stdout).toBe("");
    expect(other.id).not.toBe(run.id);
  });

  it("rejects a malformed chunk and a bad offset", async () => {
    const run = await submitGreet();
    const token = fake().launches[0]?.run_token ?? "";
    await expectError(await upload(run.id, token, { stream: "stdin", offset: 0, data: "" }), 422, "validation_failed");
    await expectError(
      await call("GET", `/api/runs/${run.id}/compute-logs/greet?stdout_offset=-1`),
      422,
      "validation_failed",
    );
  });
});
