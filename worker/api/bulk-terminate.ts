/**
 * `POST /api/runs/terminate {run_ids}`: terminate several runs at once (DESIGN.md §8), each the
 * way `POST /api/runs/:id/terminate` does. One run that cannot be terminated (finished, unknown)
 * does not stop the others: the reply says, per run, what happened.
 */
import { Hono } from "hono";
import type { BulkTerminateReply } from "../../protocol";
import { BulkTerminateSchema, isTerminalStatus } from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import type { AppEnv } from "../app-env";
import { DomainError } from "../errors";
import { readJsonBody } from "../http/read-json-body";

export const bulkTerminateRoutes = new Hono<AppEnv>().post("/terminate", async (c) => {
  const { run_ids } = await readJsonBody(c, BulkTerminateSchema);
  const { coordinator } = c.get("deps");
  const results: BulkTerminateReply["results"] = [];
  // One at a time: each termination is a few conditional writes and one launcher call, and the
  // list is capped, so serial keeps the load on D1 and the code location servers gentle.
  for (const runId of new Set(run_ids)) {
    try {
      results.push({ run_id: runId, ok: true, run: await coordinator.cancel(runId) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ run_id: runId, ok: false, error: { code: err.code, message: err.message } });
    }
  }
  const ended = results.flatMap((r) => (r.ok && isTerminalStatus(r.run.status) ? [r.run.id] : []));
  if (ended.length > 0) c.executionCtx.waitUntil(alertRunsEnded(c.env, ended, { requestUrl: c.req.url }));
  return c.json({ results } satisfies BulkTerminateReply);
});
