/**
 * The pools code location (issue 5): ops that share the op concurrency pool "warehouse", launched
 * by the end-to-end tests. Set the pool's limit in the instance config
 * (`concurrency.pools.limits.warehouse`) or with `PUT /api/concurrency/pools/warehouse`.
 *
 *   warehouse_load      extract → load; load holds a "warehouse" slot for `config.ms` and prints
 *                       a line (its compute log, in process)
 *   warehouse_load_mp   the same under the multiprocess executor
 *   warehouse_hold      one step holding a "warehouse" slot for 120 s: for a killed run worker
 */
import { setTimeout as sleep } from "node:timers/promises";
import { defineCodeLocation, defineJob, defineOp, In } from "@flightdeck/runner";
import { z } from "zod";

const extract = defineOp({ name: "extract", run: () => 42 });

const load = defineOp({
  name: "load",
  pool: "warehouse",
  ins: { rows: In<number>() },
  config: z.object({ ms: z.number().int().min(0).default(1500) }),
  run: async (ctx, { rows }) => {
    console.log(`loading ${rows} rows into the warehouse`);
    await sleep(ctx.config.ms, undefined, { signal: ctx.signal });
    return rows;
  },
});

const warehouseLoad = defineJob({
  name: "warehouse_load",
  executor: "in_process",
  graph: () => load({ rows: extract() }),
});

const warehouseLoadMp = defineJob({
  name: "warehouse_load_mp",
  executor: "multiprocess",
  graph: () => load({ rows: extract() }),
});

const hold = defineOp({
  name: "hold",
  pool: "warehouse",
  run: async (ctx) => {
    await sleep(120_000, undefined, { signal: ctx.signal });
  },
});

const warehouseHold = defineJob({ name: "warehouse_hold", executor: "in_process", graph: () => hold() });

export default defineCodeLocation({ jobs: [warehouseLoad, warehouseLoadMp, warehouseHold] });
