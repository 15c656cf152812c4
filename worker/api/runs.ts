/**
 * `/api/runs`: submit, list, read and terminate runs (Dagster's run APIs); the roles each needs are
 * in the route table. A submit records who made it in `flightdeck/user` and takes an
 * `Idempotency-Key` (runs/idempotent-submit.ts). The run
 * worker's event webhook under `/api/runs/:id/events` lives in run-events.ts, with its own auth.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { RunListSchema, RunReplySchema } from "../../protocol";
import {
  isTerminalStatus,
  MAX_STATUS_FILTERS,
  MAX_TAG_FILTERS,
  RunListQuerySchema,
  SubmitRunSchema,
  TAG,
} from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import type { AppEnv } from "../app-env";
import { principalOf } from "../auth/actor";
import { LimitExceededError, NotFoundError, ValidationFailedError } from "../errors";
import { parseOrFail, readJsonBody } from "../http/read-json-body";
import { createRunOnce } from "../runs/idempotent-submit";
import { decodeRunCursor, encodeRunCursor } from "../runs/run-cursor";
import { refuseBadReservedTags } from "../runs/run-tags";
import { submitRun } from "../runs/submit-run";
import { listRuns } from "../storage/run-list-repo";
import { getRun } from "../storage/runs-repo";

type RunReply = z.infer<typeof RunReplySchema>;

function capFilters(name: string, count: number, cap: number): void {
  if (count > cap) {
    throw new LimitExceededError(`The run list takes at most ${cap} ${name} filters; this request has ${count}.`);
  }
}

export const runRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const submit = await readJsonBody(c, SubmitRunSchema);
    refuseBadReservedTags(submit.tags);
    const { owner } = principalOf(c);
    const deps = c.get("deps");
    const run = await createRunOnce(
      deps.db,
      { key: c.req.header("idempotency-key"), scope: `${owner} submitRun`, request: submit, now: deps.now() },
      (runId) => submitRun(deps, { ...submit, tags: { ...submit.tags, [TAG.user]: owner } }, runId),
    );
    // The default coordinator launches during the submit; a launch that failed ended the run.
    if (isTerminalStatus(run.status))
      c.executionCtx.waitUntil(alertRunsEnded(c.env, [run.id], { requestUrl: c.req.url }));
    return c.json({ run } satisfies RunReply, 201);
  })
  .get("/", async (c) => {
    capFilters("status", (c.req.query("status") ?? "").split(",").filter(Boolean).length, MAX_STATUS_FILTERS);
    capFilters("tag", c.req.queries("tag")?.length ?? 0, MAX_TAG_FILTERS);
    const query = parseOrFail(
      RunListQuerySchema,
      {
        status: c.req.query("status"),
        location: c.req.query("location"),
        job: c.req.query("job"),
        tag: c.req.queries("tag"),
        created_after: c.req.query("created_after"),
        created_before: c.req.query("created_before"),
        cursor: c.req.query("cursor"),
        limit: c.req.query("limit"),
      },
      "The query string is not valid",
    );
    const after = query.cursor === undefined ? null : decodeRunCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      const message = "is not a cursor this API returned; pass next_cursor from a previous page unchanged";
      throw new ValidationFailedError(`The cursor ${message}.`, [{ path: "cursor", message }]);
    }
    const page = await listRuns(c.get("deps").db, query, after);
    return c.json({
      runs: page.runs,
      next_cursor: page.last ? encodeRunCursor(page.last) : null,
    } satisfies z.infer<typeof RunListSchema>);
  })
  .get("/:id", async (c) => {
    const run = await getRun(c.get("deps").db, c.req.param("id"));
    if (!run) throw new NotFoundError("run_not_found", `There is no run with id ${c.req.param("id")}.`);
    return c.json({ run } satisfies RunReply);
  })
  .post("/:id/terminate", async (c) => {
    const run = await c.get("deps").coordinator.cancel(c.req.param("id"));
    if (isTerminalStatus(run.status))
      c.executionCtx.waitUntil(alertRunsEnded(c.env, [run.id], { requestUrl: c.req.url }));
    return c.json({ run } satisfies RunReply);
  });
