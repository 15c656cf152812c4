import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunStatus } from "../../protocol";
import { EventListSchema, RunListSchema, RunReplySchema } from "../../protocol";
import { sha256Hex } from "../auth/token-hash";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { interceptCodeLocations } from "../test/fake-code-location";
import { eventTypes, forceStatus, getRunReply, newFake, registerFake, submitGreet } from "../test/fixtures";
import { call, countAllRows, countRows, expectError, ORIGIN, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Written for launch-at-once; the queue has its own tests (worker/coordinator/).
useRunCoordinator("default");

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
beforeEach(async () => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(() => {
  expect(fake.rejected).toEqual([]);
  spy.mockRestore();
});

async function events(runId: string) {
  return EventListSchema.parse(await (await call("GET", `/api/runs/${runId}/events`)).json()).events;
}

describe("POST /api/runs", () => {
  it("stores the run, moves it to STARTING, launches it signed, and replies 201", async () => {
    const run = await submitGreet({ tags: { team: "data" }, priority: 7 });
    expect(run).toMatchObject({
      location: "demo",
      job: "greet",
      status: "STARTING",
      attempt: 1,
      priority: 7,
      tags: { team: "data", "flightdeck/priority": "7" },
      run_config: { ops: { greet: { config: { name: "Ada" } } } },
    });
    expect(fake.launches).toHaveLength(1);
    const launch = fake.launches[0];
    expect(launch).toMatchObject({
      run_id: run.id,
      attempt: 1,
      location: "demo",
      job: "greet",
      events_url: `${ORIGIN}/api/runs/${run.id}/events`,
      tags: run.tags,
      run_config: run.run_config,
    });
    expect(await eventTypes(run.id)).toEqual(["RUN_STARTING"]);
    const tags = await env.DB.prepare("SELECT key, value FROM run_tags WHERE run_id = ? ORDER BY key")
      .bind(run.id)
      .all();
    // flightdeck/user says who launched it: here the admin token.
    expect(tags.results).toEqual([
      { key: "flightdeck/priority", value: "7" },
      { key: "flightdeck/user", value: "admin" },
      { key: "team", value: "data" },
    ]);
  });

  it("stores only the SHA-256 of the run token, never the token", async () => {
    const run = await submitGreet();
    const token = fake.launches[0]?.run_token ?? "";
    const row = await env.DB.prepare("SELECT run_token_hash, launch_handle FROM runs WHERE id = ?")
      .bind(run.id)
      .first<{ run_token_hash: string; launch_handle: string }>();
    expect(row?.run_token_hash).toBe(await sha256Hex(token));
    expect(row?.launch_handle).toBe("pid-1");
    const dump = JSON.stringify(await env.DB.prepare("SELECT * FROM runs").all());
    expect(dump).not.toContain(token);
  });

  it("uses the job's default run config when none is sent", async () => {
    const res = await call("POST", "/api/runs", { body: { location: "demo", job: "noop" } });
    expect(res.status).toBe(201);
    expect(RunReplySchema.parse(await res.json()).run).toMatchObject({ run_config: {}, priority: 0, tags: {} });
  });

  describe("when the launch fails", () => {
    it.each([
      [
        "the server answers 500",
        { status: 500, body: JSON.stringify({ error: { code: "internal_error", message: "spawn ENOENT node" } }) },
        /answered 500 Internal Server Error: internal_error: spawn ENOENT node/,
      ],
      [
        "the server cannot be reached",
        "network_error" as const,
        /POST http:\/\/code-location\.test:4000\/runs could not be reached \(no connection to the code location server: Network connection lost\)/,
      ],
    ])(
      "%s: the run is FAILURE with the reason in its log, and the submit still replies 201",
      async (_w, behaviour, reason) => {
        fake.onLaunch = behaviour;
        const run = await submitGreet();
        expect(run.status).toBe("FAILURE");
        expect(run.ended_at).toEqual(expect.any(Number));
        const log = await events(run.id);
        expect(log.map((e) => e.type)).toEqual(["RUN_STARTING", "ENGINE_EVENT"]);
        expect(log[1]).toMatchObject({ level: "ERROR", seq: null });
        expect(log[1]?.message).toMatch(reason);
      },
    );
  });

  it.each([
    ["an unknown location", { location: "nope", job: "greet" }, 404, "location_not_found"],
    ["an unknown job", { location: "demo", job: "nope" }, 404, "job_not_found"],
    ["a missing job", { location: "demo" }, 422, "validation_failed"],
    ["a fractional priority", { location: "demo", job: "noop", priority: 1.5 }, 422, "validation_failed"],
    [
      "a priority tag that contradicts priority",
      { location: "demo", job: "noop", priority: 2, tags: { "flightdeck/priority": "3" } },
      422,
      "validation_failed",
    ],
    [
      "a run config that is not an object",
      { location: "demo", job: "noop", run_config: [1] },
      422,
      "validation_failed",
    ],
  ] as const)("refuses %s with %i %s and stores nothing", async (_what, body, status, code) => {
    await expectError(await call("POST", "/api/runs", { body }), status, code);
    expect(await countAllRows()).toMatchObject({ runs: 0, run_tags: 0, event_log: 0 });
    expect(fake.launches).toHaveLength(0);
  });

  it("names the path of a priority tag that contradicts priority", async () => {
    const body = { location: "demo", job: "noop", priority: 1, tags: { "flightdeck/priority": "1.5" } };
    const error = await expectError(await call("POST", "/api/runs", { body }), 422, "validation_failed");
    expect(error.details).toEqual({
      issues: [{ path: "tags.flightdeck/priority", message: expect.stringMatching(/reads as 0/) }],
    });
  });

  it("accepts a priority tag Python's int() cannot read, as Dagster does, and keeps it as written", async () => {
    const res = await call("POST", "/api/runs", {
      body: { location: "demo", job: "noop", tags: { "flightdeck/priority": "high" } },
    });
    expect(res.status).toBe(201);
    const { run } = RunReplySchema.parse(await res.json());
    expect(run).toMatchObject({ priority: 0, tags: { "flightdeck/priority": "high" } });
  });

  it("refuses an invalid run config with 422 invalid_run_config, naming each bad path", async () => {
    const body = {
      location: "demo",
      job: "greet",
      run_config: { ops: { greet: { config: { times: 0, nmae: "Ada" } } } },
    };
    const error = await expectError(await call("POST", "/api/runs", { body }), 422, "invalid_run_config");
    const paths = ["ops.greet.config.name", "ops.greet.config.times", "ops.greet.config.nmae"];
    expect(error.details).toEqual({
      issues: expect.arrayContaining(paths.map((path) => ({ path, message: expect.any(String) }))),
    });
    for (const path of paths) expect(error.message).toContain(path);
    expect(await countAllRows()).toMatchObject({ runs: 0, run_tags: 0, event_log: 0 });
  });

  it("answers 409 location_not_loaded for a location that failed to load", async () => {
    fake.onDefinitions = "network_error";
    await call("POST", "/api/code-locations/demo/reload");
    await expectError(
      await call("POST", "/api/runs", { body: { location: "demo", job: "greet" } }),
      409,
      "location_not_loaded",
    );
    expect(await countRows("runs")).toBe(0);
  });
});

describe("GET /api/runs", () => {
  async function seed(n: number) {
    const stmt = env.DB.prepare(
      "INSERT INTO runs (id, location, job, status, run_config, tags, priority, attempt, created_at, updated_at) VALUES (?, 'demo', ?, ?, '{}', '{}', 0, 1, ?, ?)",
    );
    const tag = env.DB.prepare("INSERT INTO run_tags (run_id, key, value) VALUES (?, 'team', ?)");
    const statements = [];
    for (let i = 0; i < n; i++) {
      const id = `run-${String(i).padStart(3, "0")}`;
      // Pairs of runs share a created_at, so the id breaks ties across page boundaries.
      const createdAt = 1_000 + Math.floor(i / 2);
      const status: RunStatus = i % 3 === 0 ? "SUCCESS" : "FAILURE";
      statements.push(stmt.bind(id, i % 2 === 0 ? "greet" : "noop", status, createdAt, createdAt));
      statements.push(tag.bind(id, i % 4 === 0 ? "a" : "b"));
    }
    await env.DB.batch(statements);
  }

  async function list(query: string) {
    const res = await call("GET", `/api/runs${query}`);
    expect(res.status).toBe(200);
    return RunListSchema.parse(await res.json());
  }

  async function listAll(query: string, limit: number) {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = query ? "&" : "?";
      const page = await list(`${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      ids.push(...page.runs.map((r) => r.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null && pages < 100);
    return { ids, pages };
  }

  it("pages through every run newest first, with next_cursor null at the end", async () => {
    await seed(25);
    const { ids, pages } = await listAll("", 4);
    const expected = Array.from({ length: 25 }, (_, i) => `run-${String(24 - i).padStart(3, "0")}`);
    expect(ids).toEqual(expected);
    expect(pages).toBe(7);
  });

  it("filters by status, job and tag, together with paging", async () => {
    await seed(24);
    const { ids } = await listAll("?status=SUCCESS&job=greet&tag=team=a", 2);
    // i % 3 === 0 (SUCCESS), i even (greet), i % 4 === 0 (team=a): i in 0, 12
    expect(ids).toEqual(["run-012", "run-000"]);
  });

  it("filters by several statuses and by creation time", async () => {
    await seed(10);
    const page = await list("?status=SUCCESS,FAILURE&created_after=1001&created_before=1004");
    expect(page.runs.map((r) => r.id)).toEqual(["run-007", "run-006", "run-005", "run-004"]);
    expect(page.next_cursor).toBeNull();
  });

  it("refuses a made-up cursor and an unknown status with 422", async () => {
    const bad = await expectError(await call("GET", "/api/runs?cursor=nonsense"), 422, "validation_failed");
    expect(bad.details).toEqual({ issues: [{ path: "cursor", message: expect.any(String) }] });
    await expectError(await call("GET", "/api/runs?status=DONE"), 422, "validation_failed");
    await expectError(await call("GET", "/api/runs?tag=novalue"), 422, "validation_failed");
  });

  it("uses the (created_at, id) index for the unfiltered page, with no sort step", async () => {
    const plan = await env.DB.prepare(
      "EXPLAIN QUERY PLAN SELECT * FROM runs WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 51",
    )
      .bind(5, "x")
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/runs_created_at_id_idx/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });

  it("answers 404 run_not_found for an unknown run", async () => {
    await expectError(await call("GET", "/api/runs/nope"), 404, "run_not_found");
  });
});

describe("POST /api/runs/:id/terminate", () => {
  async function terminate(id: string) {
    return call("POST", `/api/runs/${id}/terminate`);
  }

  it.each(["NOT_STARTED", "QUEUED"] as const)("cancels a %s run at once, with an event", async (status) => {
    const run = await submitGreet();
    await forceStatus(run.id, status);
    const res = await terminate(run.id);
    expect(res.status).toBe(200);
    const terminated = RunReplySchema.parse(await res.json()).run;
    expect(terminated.status).toBe("CANCELED");
    expect(terminated.ended_at).toEqual(expect.any(Number));
    expect((await eventTypes(run.id)).at(-1)).toBe("RUN_CANCELED");
    expect(fake.terminates).toEqual([]);
  });

  it.each(["STARTING", "STARTED"] as const)(
    "moves a %s run to CANCELING and asks its server to stop it",
    async (status) => {
      const run = await submitGreet();
      await forceStatus(run.id, status);
      const res = await terminate(run.id);
      expect(res.status).toBe(200);
      expect(RunReplySchema.parse(await res.json()).run.status).toBe("CANCELING");
      expect(fake.terminates).toEqual([run.id]);
      expect((await eventTypes(run.id)).at(-1)).toBe("RUN_CANCELING");
    },
  );

  it("re-sends the terminate for a run already CANCELING, and answers 200", async () => {
    const run = await submitGreet();
    await terminate(run.id);
    const res = await terminate(run.id);
    expect(res.status).toBe(200);
    expect(RunReplySchema.parse(await res.json()).run.status).toBe("CANCELING");
    expect(fake.terminates).toEqual([run.id, run.id]);
    expect((await eventTypes(run.id)).filter((t) => t === "RUN_CANCELING")).toHaveLength(1);
  });

  it("logs an unreachable server as an ENGINE_EVENT and leaves the run CANCELING", async () => {
    const run = await submitGreet();
    fake.onTerminate = "network_error";
    const res = await terminate(run.id);
    expect(RunReplySchema.parse(await res.json()).run.status).toBe("CANCELING");
    const log = await events(run.id);
    expect(log.at(-1)).toMatchObject({ type: "ENGINE_EVENT", level: "ERROR" });
    expect(log.at(-1)?.message).toMatch(/Network connection lost/);
    expect((await getRunReply(run.id)).status).toBe("CANCELING");
  });

  it.each(["SUCCESS", "FAILURE", "CANCELED"] as const)(
    "refuses to terminate a %s run with 409 invalid_transition",
    async (status) => {
      const run = await submitGreet();
      await forceStatus(run.id, status);
      const before = await countAllRows();
      const error = await expectError(await terminate(run.id), 409, "invalid_transition");
      expect(error.message).toContain(status);
      expect(await countAllRows()).toEqual(before);
    },
  );

  it("answers 404 run_not_found for an unknown run", async () => {
    await expectError(await terminate("nope"), 404, "run_not_found");
  });
});
