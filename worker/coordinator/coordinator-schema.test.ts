/**
 * The coordinator's storage migration, in workerd over real Durable Object SQLite: an object stored
 * by the previous build (rowid tables, a launch-order index over the whole queue) keeps its queued
 * runs, their order and its runs in progress, and ends up with the current tables.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RunCoordinatorConfigSchema } from "../../protocol/instance-config";
import { PoolNeedsStore } from "./pools/pool-needs-store";
import { runAdmissionPass } from "./queue/admission-pass";
import { QueueStore } from "./queue/queue-store";

/** The tables as build 1 created them. */
const VERSION_1 = `
DROP TABLE IF EXISTS queued; DROP TABLE IF EXISTS in_progress;
CREATE TABLE queued (
  id TEXT PRIMARY KEY, priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
  tags TEXT NOT NULL, events_url TEXT NOT NULL, lane TEXT NOT NULL DEFAULT '[]');
CREATE INDEX queued_launch_order ON queued (priority DESC, enqueued_at, id);
CREATE INDEX queued_lane_order ON queued (lane, priority DESC, enqueued_at, id);
CREATE TABLE in_progress (
  id TEXT PRIMARY KEY, tags TEXT NOT NULL, launched_at INTEGER NOT NULL,
  state TEXT NOT NULL, attempt INTEGER NOT NULL, retry_at INTEGER, events_url TEXT);
CREATE TABLE queued_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
DELETE FROM meta;
INSERT INTO meta (key, value) VALUES ('lane_limits', '[{"key":"db","limit":1}]'), ('paused', 'false');
INSERT INTO queued (id, priority, enqueued_at, tags, events_url, lane) VALUES
  ('b', 0, 2, '{"db":"x"}', 'https://x.test/api/runs/b/events', '[["key","db"]]'),
  ('a', 0, 1, '{}', 'https://x.test/api/runs/a/events', '[]'),
  ('c', 5, 3, '{"flightdeck/priority":"5"}', 'https://x.test/api/runs/c/events', '[]');
INSERT INTO in_progress (id, tags, launched_at, state, attempt, retry_at, events_url) VALUES
  ('p', '{"db":"y"}', 10, 'launched', 1, NULL, 'https://x.test/api/runs/p/events');
`;

describe("the coordinator's storage migration", () => {
  it("moves an object stored by build 1 to the current tables, losing no run", async () => {
    const stub = env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName("schema-migration"));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(VERSION_1);
      const store = new QueueStore(state.storage);

      expect(store.queuedPage(0, 10).map((run) => [run.id, run.priority, run.tags])).toEqual([
        ["c", 5, { "flightdeck/priority": "5" }],
        ["a", 0, {}],
        ["b", 0, { db: "x" }],
      ]);
      expect(store.countQueued()).toBe(3);
      expect(store.inProgress().map((run) => [run.id, run.tags, run.state])).toEqual([["p", { db: "y" }, "launched"]]);
      const tables = state.storage.sql
        .exec("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((row) => [row.name, String(row.sql).includes("WITHOUT ROWID")]);
      expect(tables).toEqual(
        expect.arrayContaining([
          ["queued", true],
          ["in_progress", true],
        ]),
      );
      expect(tables.map(([name]) => name)).not.toContain("queued_tags");
      expect(tables.map(([name]) => name)).not.toContain("queued_v1");

      // Laned again under the limits in force: a key limit of 1 on db, held by p, keeps b waiting.
      const config = RunCoordinatorConfigSchema.parse({
        max_concurrent_runs: 10,
        tag_concurrency_limits: [{ key: "db", limit: 1 }],
      });
      expect(runAdmissionPass(store, config, 20).map((run) => run.id)).toEqual(["c", "a"]);
      store.free(["p"]);
      expect(runAdmissionPass(store, config, 21).map((run) => run.id)).toEqual(["b"]);

      // Opened again: nothing left to migrate, the runs in progress stay.
      const reopened = new QueueStore(state.storage);
      expect(
        reopened
          .inProgress()
          .map((run) => run.id)
          .sort(),
      ).toEqual(["a", "b", "c"]);
    });
  });

  it("adds the first steps' pool needs to an object stored by version 3, keeping its queue", async () => {
    const stub = env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName("schema-migration-v3"));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      new QueueStore(state.storage).enqueue({ id: "q", tags: {}, enqueuedAt: 1, eventsUrl: "https://x.test/e" });
      // As version 3 left it: no needs table.
      sql.exec("DROP TABLE run_pool_needs; UPDATE meta SET value = '3' WHERE key = 'schema_version'");

      const store = new QueueStore(state.storage);
      expect(store.queuedPage(0, 10).map((run) => run.id)).toEqual(["q"]);
      expect(sql.exec("SELECT value FROM meta WHERE key = 'schema_version'").one().value).toBe("4");
      const needs = new PoolNeedsStore(state.storage);
      needs.save("q", { warehouse: 2 });
      expect(needs.get("q")).toEqual({ warehouse: 2 });
    });
  });
});
