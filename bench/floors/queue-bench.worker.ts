/**
 * The run coordinator's real admission pass over its real SQLite storage (QueueStore,
 * runAdmissionPass), and the floors beside it, each in a Durable Object of its own (named by the
 * caller: one per queue size and per floor), so that no object's database holds another's rows and
 * Node can time all of them in interleaved rounds. Workerd's clock does not advance during
 * synchronous work, so each request does `n` steps and Node times the request; an empty request is
 * timed too and subtracted.
 *
 * One step is the steady state of a busy queue: the oldest run in progress ends (its slot is
 * freed), a new run is queued at the back (so the queue keeps its length) and an admission pass
 * launches whatever now fits. Run ids are made as the API makes them. The SQL floor does the
 * bare storage work of the same step: delete an in-progress row, insert a queued row, read the
 * head of the queue by its index, delete it, insert it in progress, on a floor queue as long as
 * the coordinator's. `/rpc-floor` is one RPC and one SQLite
 * write, the floor of a submit.
 */
import { DurableObject } from "cloudflare:workers";
import { RunCoordinatorConfigSchema } from "../../protocol/instance-config";
import { runAdmissionPass } from "../../worker/coordinator/queue/admission-pass";
import { QueueStore } from "../../worker/coordinator/queue/queue-store";
import { newRunId } from "../../worker/runs/run-id";

type Env = { BENCH: DurableObjectNamespace<QueueBench>; DB: D1Database };

const TAG_KEYS = Array.from({ length: 20 }, (_, i) => `t${i}`);
const CONFIG = RunCoordinatorConfigSchema.parse({
  max_concurrent_runs: 20,
  tag_concurrency_limits: TAG_KEYS.map((key) => ({ key, limit: 2 })),
});

/** A deterministic pseudo-random tag set: none, one or two of the 20 limited keys. */
function tagsFor(i: number): Record<string, string> {
  const n = (i * 2654435761) >>> 0;
  const tags: Record<string, string> = {};
  if (n % 3 >= 1) tags[TAG_KEYS[n % 20] ?? "t0"] = "x";
  if (n % 3 === 2) tags[TAG_KEYS[(n >>> 8) % 20] ?? "t1"] = "y";
  return tags;
}

export class QueueBench extends DurableObject<Env> {
  store = new QueueStore(this.ctx.storage);
  #next = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS floor_q (id TEXT PRIMARY KEY, p INTEGER, t INTEGER);
      CREATE INDEX IF NOT EXISTS floor_q_order ON floor_q (p DESC, t, id);
      CREATE TABLE IF NOT EXISTS floor_p (id TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS rpc_floor (id INTEGER PRIMARY KEY, v TEXT);`);
  }

  /** `queued` runs waiting once the 20 slots are filled (the first 20 enqueued launch at reset). */
  reset(queued: number): number {
    this.ctx.storage.sql.exec("DELETE FROM queued; DELETE FROM in_progress;");
    // Emptied behind the store's back: a fresh one, as after a restart of the object, with no cache.
    this.store = new QueueStore(this.ctx.storage);
    this.store.laneBy(CONFIG.tag_concurrency_limits);
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < queued + CONFIG.max_concurrent_runs; i++) this.#enqueue();
    });
    runAdmissionPass(this.store, CONFIG, 0); // fill the 20 slots
    return this.store.countQueued();
  }

  /** The floor's queue, `queued` long, and its 20 runs in progress. */
  resetFloor(queued: number): number {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM floor_q; DELETE FROM floor_p;");
    this.#floorInProgress = [];
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < queued; i++) {
        sql.exec("INSERT INTO floor_q (id, p, t) VALUES (?, 0, ?)", newRunId(), this.#next++);
      }
      for (let i = 0; i < CONFIG.max_concurrent_runs; i++) {
        const id = newRunId();
        sql.exec("INSERT INTO floor_p (id) VALUES (?)", id);
        this.#floorInProgress.push(id);
      }
    });
    return queued;
  }

  /** A new run, its id made as the API makes them (time-ordered UUIDv7, worker/runs/run-id.ts). */
  #enqueue(): void {
    const i = this.#next++;
    const id = newRunId();
    this.store.enqueue({ id, tags: tagsFor(i), enqueuedAt: i, eventsUrl: `http://x/api/runs/${id}/events` });
  }

  /** `iterations` steps: the oldest run ends and a new one is queued; an admission pass fills the slot. Returns runs admitted. */
  admit(iterations: number): number {
    let admitted = 0;
    for (let k = 0; k < iterations; k++) {
      const oldest = this.store.inProgress()[0];
      if (oldest) this.store.free([oldest.id]);
      this.#enqueue();
      admitted += runAdmissionPass(this.store, CONFIG, k).length;
    }
    return admitted;
  }

  /** The floor's runs in progress, oldest first (the coordinator's list is in memory too). */
  #floorInProgress: string[] = [];

  sqlFloor(iterations: number): number {
    const sql = this.ctx.storage.sql;
    const inProgress = this.#floorInProgress;
    for (let k = 0; k < iterations; k++) {
      this.ctx.storage.transactionSync(() => {
        const oldest = inProgress.shift();
        if (oldest) sql.exec("DELETE FROM floor_p WHERE id = ?", oldest);
        sql.exec("INSERT INTO floor_q (id, p, t) VALUES (?, 0, ?)", newRunId(), this.#next++);
        const head = String(sql.exec("SELECT id FROM floor_q ORDER BY p DESC, t, id LIMIT 1").one().id);
        sql.exec("DELETE FROM floor_q WHERE id = ?", head);
        sql.exec("INSERT INTO floor_p (id) VALUES (?)", head);
        inProgress.push(head);
      });
    }
    return iterations;
  }

  /** `iterations` steps of the bench as `admit` does them, returning SQLite rows read per step: noise-free scaling. */
  rowsReadPerStep(iterations: number): number {
    const sql = this.ctx.storage.sql;
    const exec = sql.exec.bind(sql);
    const cursors: { rowsRead: number }[] = [];
    // Counting only: every statement the store runs goes through here for the duration of the steps.
    sql.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
      const cursor = exec(query, ...bindings);
      cursors.push(cursor);
      return cursor;
    }) as typeof sql.exec;
    try {
      this.admit(iterations);
    } finally {
      sql.exec = exec;
    }
    return cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0) / Math.max(1, iterations);
  }

  rpcFloor(): number {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO rpc_floor (id, v) VALUES (1, ?)", String(this.#next++));
    return 1;
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    const stub = env.BENCH.get(env.BENCH.idFromName(url.searchParams.get("do") ?? "bench"));
    const n = Number(url.searchParams.get("n") ?? "0");
    switch (url.pathname) {
      case "/reset":
        return Response.json({ queued: await stub.reset(n) });
      case "/reset-floor":
        return Response.json({ queued: await stub.resetFloor(n) });
      case "/admit":
        return Response.json({ admitted: await stub.admit(n) });
      case "/sql-floor":
        return Response.json({ done: await stub.sqlFloor(n) });
      case "/rpc-floor":
        return Response.json({ done: await stub.rpcFloor() });
      case "/rows-read":
        return Response.json({ rows: await stub.rowsReadPerStep(n) });
      case "/submit-floor": {
        // What any submit pays given D1 as the system of record: one D1 write, then one RPC and one SQLite write.
        await env.DB.prepare("INSERT INTO floor_runs (id, at) VALUES (?, ?)").bind(newRunId(), Date.now()).run();
        return Response.json({ done: await stub.rpcFloor() });
      }
      case "/submit-floor-setup":
        await env.DB.exec("CREATE TABLE IF NOT EXISTS floor_runs (id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
        return Response.json({ done: 1 });
      default:
        return new Response("ok");
    }
  },
};
