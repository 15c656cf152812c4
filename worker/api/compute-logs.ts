/**
 * `/api/runs/:id/compute-logs/:step`: the captured stdout and stderr of a step (Dagster's compute
 * logs). POST is the run worker's upload, authorized by the run's own run token — the token's
 * scope grows from "this run's events" to "this run's events and compute logs", still one run
 * and its current attempt; GET is the run page's read (viewer), from an offset per stream so the
 * page can tail a running step.
 */
import { Hono } from "hono";
import type { ComputeLogReply } from "../../protocol";
import { ComputeLogChunkSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { authorizeRunToken } from "../auth/run-token-scope";
import { NotFoundError, ValidationFailedError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { putComputeLogChunk, readComputeLog } from "../storage/compute-log-store";
import { getRun } from "../storage/runs-repo";

function readOffset(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    const message = "must be a whole number ≥ 0, as the previous reply gave it";
    throw new ValidationFailedError(`The query parameter ${name} ${message}.`, [{ path: name, message }]);
  }
  return n;
}

export const computeLogRoutes = new Hono<AppEnv>()
  .post("/:id/compute-logs/:step", async (c) => {
    const runId = c.req.param("id");
    const db = c.get("deps").db;
    const { attempt } = await authorizeRunToken(db, runId, c.req.header("authorization"));
    const chunk = await readJsonBody(c, ComputeLogChunkSchema);
    const stepKey = c.req.param("step");
    await putComputeLogChunk(
      c.env.COMPUTE_LOGS,
      { runId, attempt, stepKey, stream: chunk.stream },
      chunk.offset,
      chunk.data,
    );
    return c.json({ stored_through: chunk.offset + new TextEncoder().encode(chunk.data).byteLength });
  })
  .get("/:id/compute-logs/:step", async (c) => {
    const runId = c.req.param("id");
    const stepKey = c.req.param("step");
    const run = await getRun(c.get("deps").db, runId);
    if (!run) throw new NotFoundError("run_not_found", `There is no run with id ${runId}.`);
    const key = { runId, attempt: run.attempt, stepKey };
    const [stdout, stderr] = await Promise.all([
      readComputeLog(
        c.env.COMPUTE_LOGS,
        { ...key, stream: "stdout" },
        readOffset(c.req.query("stdout_offset"), "stdout_offset"),
      ),
      readComputeLog(
        c.env.COMPUTE_LOGS,
        { ...key, stream: "stderr" },
        readOffset(c.req.query("stderr_offset"), "stderr_offset"),
      ),
    ]);
    return c.json({
      step_key: stepKey,
      stdout: stdout.text,
      stderr: stderr.text,
      stdout_offset: stdout.next,
      stderr_offset: stderr.next,
    } satisfies ComputeLogReply);
  });
