/**
 * `/api/queue` (DESIGN.md §5.1, §8): the queue in launch order, each run with why it waits and
 * when it should start; pause and resume (operator). Pausing stops launches, not submits.
 */
import { Hono } from "hono";
import type { z } from "zod";
import type { QueuePausedReplySchema, QueueReply } from "../../protocol";
import { QueueQuerySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { buildQueueView } from "../coordinator/queue/queue-view";
import { parseOrFail } from "../http/read-json-body";
import { appendAudit } from "../storage/instance-overrides-repo";
import { recentRunDurationsMs } from "../storage/run-durations-repo";
import { findRunJobs } from "../storage/run-jobs-repo";

type PausedReply = z.infer<typeof QueuePausedReplySchema>;

export const queueRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const query = parseOrFail(
      QueueQuerySchema,
      { offset: c.req.query("offset"), limit: c.req.query("limit") },
      "The query string is not valid",
    );
    const db = c.get("deps").db;
    const [snapshot, recentDurationsMs] = await Promise.all([
      coordinatorStub(c.env).snapshot(query.offset, query.limit),
      recentRunDurationsMs(db),
    ]);
    const jobs = await findRunJobs(
      db,
      [...snapshot.queued, ...snapshot.inProgress].map((run) => run.id),
    );
    const reply = buildQueueView({
      config: snapshot.config.run_coordinator,
      paused: snapshot.paused,
      totalQueued: snapshot.totalQueued,
      offset: query.offset,
      queued: snapshot.queued,
      inProgress: snapshot.inProgress,
      locationPauses: snapshot.locationPauses,
      agentCapacity: snapshot.agentCapacity,
      poolGate: snapshot.poolGate,
      pools: snapshot.config.concurrency.pools,
      recentDurationsMs,
      jobs,
      now: Date.now(),
    });
    return c.json(reply satisfies QueueReply);
  })
  .post("/pause", async (c) => {
    await appendAudit(c.get("deps").db, { ts: Date.now(), actor: auditActor(c), action: "queue.pause" });
    await coordinatorStub(c.env).setPaused(true);
    return c.json({ paused: true } satisfies PausedReply);
  })
  .post("/resume", async (c) => {
    await appendAudit(c.get("deps").db, { ts: Date.now(), actor: auditActor(c), action: "queue.resume" });
    await coordinatorStub(c.env).setPaused(false);
    return c.json({ paused: false } satisfies PausedReply);
  });
