/**
 * `PATCH /api/runs/:id` (DESIGN.md §5.1, §8): change a queued run's priority, or move it to the
 * front (`{"move_to_front": true}`: one above the highest priority queued). The run coordinator
 * object applies it and admits at once; the change is audited with who made it.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { RunReplySchema } from "../../protocol";
import { UpdateRunSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { ConflictError, NotFoundError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { appendAudit } from "../storage/instance-overrides-repo";
import { getRun } from "../storage/runs-repo";

export const runPriorityRoutes = new Hono<AppEnv>().patch("/:id", async (c) => {
  const runId = c.req.param("id");
  const change = await readJsonBody(c, UpdateRunSchema);
  const db = c.get("deps").db;
  const before = await getRun(db, runId);
  if (!before) throw new NotFoundError("run_not_found", `There is no run with id ${runId}.`);
  const notQueued = () =>
    new ConflictError(
      "invalid_transition",
      `Run ${runId} is ${before.status}, not QUEUED; only a queued run's priority can change.`,
    );
  if (before.status !== "QUEUED") throw notQueued();
  const priority = await coordinatorStub(c.env).setPriority(
    runId,
    "priority" in change ? { priority: change.priority } : { moveToFront: true },
  );
  if (priority === null) throw notQueued();
  await appendAudit(db, {
    ts: Date.now(),
    actor: auditActor(c),
    action: "run.priority",
    target: runId,
    details: { from: before.priority, to: priority, ...("move_to_front" in change ? { move_to_front: true } : {}) },
  });
  const run = await getRun(db, runId);
  if (!run) throw new NotFoundError("run_not_found", `Run ${runId} was deleted meanwhile.`);
  return c.json({ run } satisfies z.infer<typeof RunReplySchema>);
});
