import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Run, RunStatus, RunWorkerEvent } from "../../protocol";
import { EventAckSchema, EventListSchema, RunStepSummarySchema } from "../../protocol";
import { issueRunToken } from "../auth/run-token";
import { forceStatus, getRunReply, submitGreet, useRegisteredFake } from "../test/fixtures";
import { ADMIN_TOKEN, call, countAllRows, countRows, expectError, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useCleanDatabase();
// Written for launch-at-once; the queue has its own tests (worker/coordinator/).
useRunCoordinator("default");

const fake = useRegisteredFake();

/** A launched run and the run token its worker got. */
async function launched(): Promise<{ run: Run; token: string }> {
  const run = await submitGreet();
  const token = fake().launches.find((l) => l.run_id === run.id)?.run_token;
  if (!token) throw new Error("the run was not launched");
  return { run, token };
}

const ev = (seq: number, type: RunWorkerEvent["type"], extra: Partial<RunWorkerEvent> = {}): RunWorkerEvent => ({
  seq,
  type,
  ts: 5_000 + seq,
  ...extra,
});

function post(runId: string, token: string | null, events: RunWorkerEvent[]) {
  return call("POST", `/api/runs/${runId}/events`, { token, body: { events } });
}

async function workerEvents(runId: string) {
  const { results } = await env.DB.prepare(
    "SELECT seq, type FROM event_log WHERE run_id = ? AND seq IS NOT NULL ORDER BY seq",
  )
    .bind(runId)
    .all<{ seq: number; type: string }>();
  return results;
}

describe("POST /api/runs/:id/events", () => {
  it("stores a batch and acknowledges its highest seq", async () => {
    const { run, token } = await launched();
    const res = await post(run.id, token, [
      ev(2, "STEP_START", { step_key: "greet" }),
      ev(1, "RUN_START"),
      ev(3, "LOG", { message: "hi", level: "DEBUG", data: { n: 1 } }),
    ]);
    expect(res.status).toBe(200);
    expect(EventAckSchema.parse(await res.json())).toEqual({ acked_through: 3 });
    const log = EventListSchema.parse(await (await call("GET", `/api/runs/${run.id}/events`)).json()).events;
    expect(log.map((e) => [e.type, e.seq])).toEqual([
      ["RUN_STARTING", null],
      ["STEP_START", 2],
      ["RUN_START", 1],
      ["LOG", 3],
    ]);
    expect(log[1]).toMatchObject({ step_key: "greet", level: "INFO", attempt: 1 });
    expect(log[3]).toMatchObject({ message: "hi", level: "DEBUG", data: { n: 1 } });
  });

  it("stores a batch delivered twice only once", async () => {
    const { run, token } = await launched();
    const batch = [ev(1, "RUN_START"), ev(2, "LOG"), ev(3, "LOG")];
    expect((await post(run.id, token, batch)).status).toBe(200);
    const again = await post(run.id, token, batch);
    expect(again.status).toBe(200);
    expect(EventAckSchema.parse(await again.json())).toEqual({ acked_through: 3 });
    expect(await workerEvents(run.id)).toHaveLength(3);
  });

  it("stores an overlapping redelivery's new events and skips the old", async () => {
    const { run, token } = await launched();
    await post(run.id, token, [ev(1, "RUN_START"), ev(2, "LOG")]);
    await post(run.id, token, [ev(2, "LOG"), ev(3, "LOG"), ev(3, "LOG")]);
    expect((await workerEvents(run.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("stores a batch bigger than one statement's bound parameters, in one piece", async () => {
    const { run, token } = await launched();
    const batch = Array.from({ length: 250 }, (_, i) => ev(i + 1, "LOG", { message: `line ${i}`, step_key: "greet" }));
    const res = await post(run.id, token, batch);
    expect(EventAckSchema.parse(await res.json())).toEqual({ acked_through: 250 });
    expect(await workerEvents(run.id)).toHaveLength(250);
  });

  it("moves the run through STARTED to SUCCESS, with the events' times", async () => {
    const { run, token } = await launched();
    await post(run.id, token, [ev(1, "RUN_START")]);
    expect(await getRunReply(run.id)).toMatchObject({ status: "STARTED", started_at: 5_001, ended_at: null });
    await post(run.id, token, [ev(2, "STEP_SUCCESS"), ev(3, "RUN_SUCCESS")]);
    expect(await getRunReply(run.id)).toMatchObject({ status: "SUCCESS", started_at: 5_001, ended_at: 5_003 });
  });

  it("applies a start and an end in the same batch in seq order", async () => {
    const { run, token } = await launched();
    await post(run.id, token, [ev(2, "RUN_FAILURE"), ev(1, "RUN_START")]);
    expect(await getRunReply(run.id)).toMatchObject({ status: "FAILURE", started_at: 5_001, ended_at: 5_002 });
  });

  it.each<[string, RunStatus, RunWorkerEvent["type"], RunStatus]>([
    ["an end before the start does not skip STARTED", "STARTING", "RUN_SUCCESS", "STARTING"],
    ["RUN_CANCELED does not cancel a run nobody asked to stop", "STARTED", "RUN_CANCELED", "STARTED"],
    ["a canceling run that finished anyway is SUCCESS", "CANCELING", "RUN_SUCCESS", "SUCCESS"],
    ["a canceling run that failed anyway is FAILURE", "CANCELING", "RUN_FAILURE", "FAILURE"],
    ["a canceling run that stopped is CANCELED", "CANCELING", "RUN_CANCELED", "CANCELED"],
  ])("%s (%s + %s → %s), and the event is stored either way", async (_name, from, type, to) => {
    const { run, token } = await launched();
    await forceStatus(run.id, from);
    expect((await post(run.id, token, [ev(7, type)])).status).toBe(200);
    expect((await getRunReply(run.id)).status).toBe(to);
    expect(await workerEvents(run.id)).toEqual([{ seq: 7, type }]);
  });

  describe("refuses, storing nothing,", () => {
    it("a run that does not exist: 404 run_not_found", async () => {
      const { token } = await launched();
      const before = await countAllRows();
      await expectError(await post("no-such-run", token, [ev(1, "LOG")]), 404, "run_not_found");
      expect(await countAllRows()).toEqual(before);
    });

    it("a delivery without a token: 401 unauthorized", async () => {
      const { run } = await launched();
      await expectError(await post(run.id, null, [ev(1, "LOG")]), 401, "unauthorized");
      expect(await workerEvents(run.id)).toEqual([]);
    });

    it("another run's token: 403 forbidden", async () => {
      const first = await launched();
      const second = await launched();
      await expectError(await post(first.run.id, second.token, [ev(1, "RUN_START")]), 403, "forbidden");
      expect(await workerEvents(first.run.id)).toEqual([]);
      expect((await getRunReply(first.run.id)).status).toBe("STARTING");
    });

    it("the admin token: 403 forbidden", async () => {
      const { run } = await launched();
      const error = await expectError(await post(run.id, ADMIN_TOKEN, [ev(1, "RUN_START")]), 403, "forbidden");
      expect(error.message).toMatch(/not the admin token/);
      expect(await workerEvents(run.id)).toEqual([]);
    });

    it("the token of an earlier attempt: 403 forbidden", async () => {
      const { run, token } = await launched();
      const next = await issueRunToken();
      await env.DB.prepare("UPDATE runs SET attempt = 2, run_token_hash = ? WHERE id = ?")
        .bind(next.hash, run.id)
        .run();
      await expectError(await post(run.id, token, [ev(1, "LOG")]), 403, "forbidden");
      expect((await post(run.id, next.token, [ev(1, "LOG")])).status).toBe(200);
      const attempts = await env.DB.prepare("SELECT attempt FROM event_log WHERE seq IS NOT NULL").all<{
        attempt: number;
      }>();
      expect(attempts.results).toEqual([{ attempt: 2 }]);
    });

    it("malformed JSON: 400 invalid_json", async () => {
      const { run, token } = await launched();
      const res = await call("POST", `/api/runs/${run.id}/events`, { token, rawBody: "{events:" });
      await expectError(res, 400, "invalid_json");
      expect(await workerEvents(run.id)).toEqual([]);
    });

    it.each([
      ["an empty batch", { events: [] }, "events"],
      ["a seq of 0", { events: [{ seq: 0, type: "LOG", ts: 1 }] }, "events.0.seq"],
      ["an unknown event type", { events: [{ seq: 1, type: "RUN_ENQUEUED", ts: 1 }] }, "events.0.type"],
      ["a missing ts", { events: [{ seq: 1, type: "LOG" }] }, "events.0.ts"],
    ])("%s: 422 validation_failed naming the path", async (_what, body, path) => {
      const { run, token } = await launched();
      const res = await call("POST", `/api/runs/${run.id}/events`, { token, body });
      const error = await expectError(res, 422, "validation_failed");
      expect(error.details).toEqual({ issues: expect.arrayContaining([expect.objectContaining({ path })]) });
      expect(await workerEvents(run.id)).toEqual([]);
    });
  });
});

describe("GET /api/runs/:id/events", () => {
  it("pages by id with after and limit, and returns the cursor to continue from", async () => {
    const { run, token } = await launched();
    await post(run.id, token, [ev(1, "RUN_START"), ev(2, "LOG"), ev(3, "LOG")]);
    const first = EventListSchema.parse(await (await call("GET", `/api/runs/${run.id}/events?limit=2`)).json());
    expect(first.events.map((e) => e.type)).toEqual(["RUN_STARTING", "RUN_START"]);
    const rest = EventListSchema.parse(
      await (await call("GET", `/api/runs/${run.id}/events?after=${first.cursor}`)).json(),
    );
    expect(rest.events.map((e) => e.seq)).toEqual([2, 3]);
    const none = EventListSchema.parse(
      await (await call("GET", `/api/runs/${run.id}/events?after=${rest.cursor}`)).json(),
    );
    expect(none).toEqual({ events: [], cursor: rest.cursor });
  });

  it("pages backwards from the newest page with tail and before, counting what matches and what is older", async () => {
    const { run, token } = await launched();
    await post(
      run.id,
      token,
      Array.from({ length: 10 }, (_, i) => ev(i + 1, "LOG", { message: `line ${i + 1}` })),
    );
    const get = async (query: string) =>
      EventListSchema.parse(await (await call("GET", `/api/runs/${run.id}/events?${query}`)).json());
    // RUN_STARTING (the control plane's) + 10 LOG lines.
    const newest = await get("tail=true&limit=4&counts=true");
    expect(newest.events.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(newest).toMatchObject({ matched: 11, older: 7 });
    const older = await get(`before=${newest.events[0]?.id}&limit=4&counts=true`);
    expect(older.events.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(older).toMatchObject({ matched: 11, older: 3 });
    const oldest = await get(`before=${older.events[0]?.id}&limit=4`);
    expect(oldest.events.map((e) => e.type)).toEqual(["RUN_STARTING", "LOG", "LOG"]);
    expect(oldest.matched).toBeUndefined();
  });

  it("filters by step, level, heartbeats and text, on the server", async () => {
    const { run, token } = await launched();
    await post(run.id, token, [
      ev(1, "STEP_START", { step_key: "a" }),
      ev(2, "LOG", { step_key: "a", level: "DEBUG", message: "noise" }),
      ev(3, "HEARTBEAT"),
      ev(4, "LOG", { step_key: "b", level: "WARNING", message: "Disk 100% full_now" }),
      ev(5, "STEP_SUCCESS", { step_key: "a" }),
    ]);
    const seqs = async (query: string) =>
      EventListSchema.parse(await (await call("GET", `/api/runs/${run.id}/events?${query}`)).json()).events.map(
        (e) => e.seq,
      );
    expect(await seqs("step=a")).toEqual([1, 2, 5]);
    expect(await seqs("levels=INFO,WARNING&heartbeats=false")).toEqual([null, 1, 4, 5]);
    expect(await seqs("q=DISK")).toEqual([4]);
    // LIKE's wildcards are taken literally.
    expect(await seqs("q=100%25 full_")).toEqual([4]);
    expect(await seqs("q=1_0")).toEqual([]);
    await expectError(await call("GET", `/api/runs/${run.id}/events?levels=LOUD`), 422, "validation_failed");
    await expectError(await call("GET", `/api/runs/${run.id}/events?before=9&tail=true`), 422, "validation_failed");
  });

  it("answers 404 for an unknown run and 422 for a bad limit", async () => {
    await expectError(await call("GET", "/api/runs/nope/events"), 404, "run_not_found");
    const { run } = await launched();
    await expectError(await call("GET", `/api/runs/${run.id}/events?limit=0`), 422, "validation_failed");
    expect(await countRows("event_log")).toBe(1);
  });
});

describe("GET /api/runs/:id/steps", () => {
  it("summarizes each step's attempts and the failures from the lifecycle events, not the log lines", async () => {
    const { run, token } = await launched();
    const failure = { error: { name: "Error", message: "boom", stack: "Error: boom" } };
    await post(run.id, token, [
      ev(1, "RUN_START"),
      ev(2, "STEP_START", { step_key: "a" }),
      ...Array.from({ length: 50 }, (_, i) => ev(3 + i, "LOG", { step_key: "a", message: `line ${i}` })),
      ev(60, "STEP_UP_FOR_RETRY", { step_key: "a" }),
      ev(61, "STEP_RESTARTED", { step_key: "a" }),
      ev(62, "STEP_SUCCESS", { step_key: "a" }),
      ev(63, "STEP_START", { step_key: "b" }),
      ev(64, "STEP_FAILURE", { step_key: "b", data: failure }),
      ev(65, "RUN_FAILURE", { data: failure }),
    ]);
    const res = await call("GET", `/api/runs/${run.id}/steps`);
    expect(res.status).toBe(200);
    const summary = RunStepSummarySchema.parse(await res.json());
    expect(summary.steps).toEqual([
      {
        key: "a",
        outcome: "success",
        attempts: [
          { start: 5_002, end: 5_060, outcome: "retry" },
          { start: 5_061, end: 5_062, outcome: "success" },
        ],
      },
      { key: "b", outcome: "failure", attempts: [{ start: 5_063, end: 5_064, outcome: "failure" }] },
    ]);
    expect(summary.notable.map((e) => e.type)).toEqual(["STEP_FAILURE", "RUN_FAILURE"]);
    // RUN_STARTING + 58 from the run worker.
    expect(summary.event_count).toBe(59);
    await expectError(await call("GET", "/api/runs/nope/steps"), 404, "run_not_found");
  });
});
