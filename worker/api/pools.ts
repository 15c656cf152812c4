/**
 * `/api/concurrency/pools` (DESIGN.md §5.1): op concurrency pools as the operator sees them — each
 * pool's limit and where it comes from, the slots held (by which run and step, until when) and
 * the claims waiting — and `PUT /api/concurrency/pools/:pool` {limit}, which sets one pool's
 * limit the way `PATCH /api/instance` sets any setting: an override of
 * `concurrency.pools.limits`, saved with an audit row in one batch and applied at once (waiting
 * claims ask again). `DELETE /api/concurrency/pools/:pool` removes the pool's own limit the same
 * way (Dagster's "delete concurrency limit"): `default_limit` applies to it again, or none. The
 * pools listed are the configured ones, those the loaded definitions' ops name, and any held or
 * waited on.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { JsonObject, Pool, PoolListReply } from "../../protocol";
import { PoolLimitBodySchema, PoolNameSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { NotFoundError } from "../errors";
import { parseOrFail, readJsonBody } from "../http/read-json-body";
import { saveOverrides } from "../instance/save-overrides";
import { listLoadedDefinitions } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";

async function poolsNamedByOps(db: Database): Promise<string[]> {
  const names = new Set<string>();
  for (const { definitions } of await listLoadedDefinitions(db)) {
    for (const job of definitions.jobs) for (const node of job.nodes) if (node.pool) names.add(node.pool);
  }
  return [...names];
}

export const poolRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const reply: PoolListReply = await coordinatorStub(c.env).pools(await poolsNamedByOps(c.get("deps").db));
    return c.json(reply);
  })
  .get("/:pool", async (c) => {
    const pool = parseOrFail(PoolNameSchema, c.req.param("pool"), "The pool name in the path is not valid");
    const reply: Pool = await coordinatorStub(c.env).pool(pool);
    return c.json(reply);
  })
  .put("/:pool", async (c) => {
    const pool = parseOrFail(PoolNameSchema, c.req.param("pool"), "The pool name in the path is not valid");
    const { limit } = await readJsonBody(c, PoolLimitBodySchema);
    return saveLimits(c, pool, (limits) => ({ ...limits, [pool]: limit }), "pool.update", { limit });
  })
  .delete("/:pool", async (c) => {
    const pool = parseOrFail(PoolNameSchema, c.req.param("pool"), "The pool name in the path is not valid");
    return saveLimits(
      c,
      pool,
      (limits) => {
        if (!(pool in limits)) {
          throw new NotFoundError("not_found", `Pool ${pool} has no limit of its own to delete.`);
        }
        const { [pool]: _deleted, ...rest } = limits;
        return rest;
      },
      "pool.delete",
      {},
    );
  });

/**
 * Saves `concurrency.pools.limits` as `next` makes it from the effective limits (save-overrides.ts:
 * an override with its audit row, applied at once). `limits` is one leaf, replaced whole: every
 * other pool's effective limit is carried over.
 */
async function saveLimits(
  c: Context<AppEnv>,
  pool: string,
  next: (limits: Record<string, number>) => Record<string, number>,
  action: "pool.update" | "pool.delete",
  details: JsonObject,
) {
  await saveOverrides(c.get("deps"), {
    patch: (before) => ({ concurrency: { pools: { limits: next(before.concurrency.pools.limits) } } }),
    actor: auditActor(c),
    action,
    target: pool,
    details: () => details,
  });
  const reply: Pool = await coordinatorStub(c.env).pool(pool);
  return c.json(reply);
}
