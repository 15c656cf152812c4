/**
 * `/api/runs/:id/pool-slots`: a run worker's claim, renewal and release of op concurrency pool
 * slots (DESIGN.md §2). Authorized by the run's own run token (auth/run-token-scope.ts); a claim
 * or renewal also needs the run to be in progress, so an ended run can never hold a slot. The slots
 * themselves are the run coordinator object's (coordinator/pools/pool-slots.ts); a claim may be held open there
 * for up to `wait_ms` while no slot is free (a long poll).
 */
import { Hono } from "hono";
import type { PoolSlotClaimReply, PoolSlotReleaseReply } from "../../protocol";
import { NameSchema, PoolSlotClaimSchema, PoolSlotRenewSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { authorizeRunToken } from "../auth/run-token-scope";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { parseOrFail, readJsonBody } from "../http/read-json-body";

export const poolSlotRoutes = new Hono<AppEnv>()
  .post("/:id/pool-slots", async (c) => {
    const runId = c.req.param("id");
    await authorizeRunToken(c.get("deps").db, runId, c.req.header("authorization"), { requireInProgress: true });
    const claim = await readJsonBody(c, PoolSlotClaimSchema);
    const reply: PoolSlotClaimReply = await coordinatorStub(c.env).claimPoolSlot({
      runId,
      stepKey: claim.step_key,
      pool: claim.pool,
      waitMs: claim.wait_ms,
    });
    return c.json(reply);
  })
  .post("/:id/pool-slots/renew", async (c) => {
    const runId = c.req.param("id");
    await authorizeRunToken(c.get("deps").db, runId, c.req.header("authorization"), { requireInProgress: true });
    const body = await readJsonBody(c, PoolSlotRenewSchema);
    return c.json(await coordinatorStub(c.env).renewPoolSlots(runId, body.step_keys));
  })
  .delete("/:id/pool-slots/:step", async (c) => {
    const runId = c.req.param("id");
    await authorizeRunToken(c.get("deps").db, runId, c.req.header("authorization"));
    const stepKey = parseOrFail(NameSchema, c.req.param("step"), "The step key in the path is not valid");
    const reply: PoolSlotReleaseReply = { released: await coordinatorStub(c.env).releasePoolSlot(runId, stepKey) };
    return c.json(reply);
  });
