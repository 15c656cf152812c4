/**
 * `POST /api/runs/:id/reexecute` (Dagster's "Re-execute from failure" / "Re-execute all") and
 * `GET /api/runs/:id/lineage` (the run page's parent/root chain). Launcher and above, with an `Idempotency-Key` as for a submit; the work is
 * reexecute-run.ts, shared with the daemon's run retries.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { RunLineage, RunReplySchema } from "../../protocol";
import { ReexecuteRunSchema, TAG } from "../../protocol";
import type { AppEnv } from "../app-env";
import { principalOf } from "../auth/actor";
import { NotFoundError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { createRunOnce } from "../runs/idempotent-submit";
import { reexecuteRun } from "../runs/reexecute-run";
import { refuseBadReservedTags } from "../runs/run-tags";
import { getReexecutionPlan, listLineageRuns } from "../storage/reexecution-repo";
import { getRun } from "../storage/runs-repo";

export const reexecuteRoutes = new Hono<AppEnv>()
  .post("/:id/reexecute", async (c) => {
    const body = await readJsonBody(c, ReexecuteRunSchema);
    refuseBadReservedTags(body.tags);
    const { owner } = principalOf(c);
    const deps = c.get("deps");
    const parentId = c.req.param("id");
    const run = await createRunOnce(
      deps.db,
      {
        key: c.req.header("idempotency-key"),
        scope: `${owner} reexecuteRun`,
        request: { parent: parentId, ...body },
        now: deps.now(),
      },
      (runId) => reexecuteRun(deps, parentId, { ...body, tags: { ...body.tags, [TAG.user]: owner }, runId }),
    );
    return c.json({ run } satisfies z.infer<typeof RunReplySchema>, 201);
  })
  .get("/:id/lineage", async (c) => {
    const { db } = c.get("deps");
    const run = await getRun(db, c.req.param("id"));
    if (!run) throw new NotFoundError("run_not_found", `There is no run with id ${c.req.param("id")}.`);
    const [plan, runs] = await Promise.all([
      getReexecutionPlan(db, run.id),
      listLineageRuns(db, run.root_run_id ?? run.id),
    ]);
    return c.json({ plan, runs } satisfies RunLineage);
  });
