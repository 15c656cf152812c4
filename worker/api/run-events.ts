/**
 * `/api/runs/:id/events`: a run's event log. GET reads a page of it (viewer), and
 * `GET /api/runs/:id/steps` its step summary (the run page's Gantt chart, its failures and
 * decisions). POST is the run worker's
 * webhook (DESIGN.md §5.3), authorized by the run's own run token and nothing else:
 * - the admin token is refused here on purpose: events decide a run's status, so only the run
 *   worker that was launched with this token may report them — an admin who could post them would
 *   be forging a run's outcome, and the log could no longer say who reported what;
 * - the run token is refused everywhere else (auth/authenticate.ts knows only API tokens and ADMIN_TOKEN), so a
 *   token leaked from user code on a user's machine is worth at most one run attempt's log.
 * - once the run has ended, its token is refused too (409, auth/run-token-scope.ts): a late
 *   RUN_FAILURE can no longer land in the log of a run that succeeded.
 * The POST is the hot path: one read to authorize, one `db.batch()` to store and apply.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { EventAck, EventListSchema, RunStepSummary } from "../../protocol";
import { deriveSteps, EventBatchSchema, EventListQuerySchema } from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import type { AppEnv } from "../app-env";
import { authorizeRunToken } from "../auth/run-token-scope";
import { notifyRunsEnded } from "../coordinator/coordinator-stub";
import { NotFoundError } from "../errors";
import { parseOrFail, readJsonBody } from "../http/read-json-body";
import { endsRun, ingestRunEvents } from "../runs/ingest-run-events";
import { listRunEventsPage, readStepEvents } from "../storage/event-log-repo";
import { getRun } from "../storage/runs-repo";

function runNotFound(id: string): NotFoundError {
  return new NotFoundError("run_not_found", `There is no run with id ${id}.`);
}

export const runEventRoutes = new Hono<AppEnv>()
  .get("/:id/events", async (c) => {
    const runId = c.req.param("id");
    const query = parseOrFail(EventListQuerySchema, c.req.query(), "The query string is not valid");
    const db = c.get("deps").db;
    if (!(await getRun(db, runId))) throw runNotFound(runId);
    const page = await listRunEventsPage(db, runId, query);
    return c.json({ ...page, cursor: page.events.at(-1)?.id ?? query.after } satisfies z.infer<typeof EventListSchema>);
  })
  .get("/:id/steps", async (c) => {
    const runId = c.req.param("id");
    const db = c.get("deps").db;
    const run = await getRun(db, runId);
    if (!run) throw runNotFound(runId);
    const { lifecycle, notable, eventCount } = await readStepEvents(db, runId);
    return c.json({
      steps: deriveSteps(lifecycle, run.ended_at),
      notable,
      event_count: eventCount,
    } satisfies RunStepSummary);
  })
  .post("/:id/events", async (c) => {
    const runId = c.req.param("id");
    const db = c.get("deps").db;
    const { attempt } = await authorizeRunToken(db, runId, c.req.header("authorization"));
    const batch = await readJsonBody(c, EventBatchSchema);
    const ackedThrough = await ingestRunEvents(db, {
      runId,
      attempt,
      events: batch.events,
      now: Date.now(),
    });
    // The run ended: the run coordinator frees its slot and admits the next run, after the ack.
    if (endsRun(batch.events)) {
      const told = notifyRunsEnded(c.env, [runId]).catch((err: unknown) => {
        // Not fatal: the coordinator's reconciliation with D1 frees the slot on its next alarm.
        console.error(`run ${runId} ended but the run coordinator could not be told:`, err);
      });
      c.executionCtx.waitUntil(told);
      c.executionCtx.waitUntil(alertRunsEnded(c.env, [runId], { requestUrl: c.req.url }));
    }
    return c.json({ acked_through: ackedThrough } satisfies EventAck);
  });
