import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RunStatsSchema } from "../../protocol";
import { openDatabase } from "../storage/db";
import { call, expectError, useCleanDatabase } from "../test/helpers";
import { runStats } from "./run-stats";

useCleanDatabase();

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 21, 12, 30);

async function insertRun(id: string, status: string, createdAt: number) {
  await env.DB.prepare(
    "INSERT INTO runs (id, location, job, status, run_config, tags, created_at, updated_at) VALUES (?, 'demo', 'greet', ?, '{}', '{}', ?, ?)",
  )
    .bind(id, status, createdAt, createdAt)
    .run();
}

describe("runs by status over time", () => {
  it("counts the window's runs by status, overall and per hour, oldest hour first", async () => {
    await insertRun("a", "SUCCESS", NOW - 10 * 60_000);
    await insertRun("b", "FAILURE", NOW - 20 * 60_000);
    await insertRun("c", "SUCCESS", NOW - 2 * HOUR);
    await insertRun("old", "SUCCESS", NOW - 30 * HOUR);
    const stats = await runStats(openDatabase(env.DB), NOW, 24);
    expect(stats.totals).toEqual({ SUCCESS: 2, FAILURE: 1 });
    expect(stats.buckets).toHaveLength(24);
    expect(stats.buckets.at(-1)).toEqual({ start: Date.UTC(2026, 10, 21, 12), counts: { SUCCESS: 1, FAILURE: 1 } });
    expect(stats.buckets.at(-3)?.counts).toEqual({ SUCCESS: 1 });
    expect(stats.since).toBe(Date.UTC(2026, 10, 20, 13));
  });

  it("is served at GET /api/runs/stats, not taken for a run id", async () => {
    await insertRun("a", "STARTED", Date.now());
    const res = await call("GET", "/api/runs/stats?hours=3");
    expect(res.status).toBe(200);
    const stats = RunStatsSchema.parse(await res.json());
    expect(stats.buckets).toHaveLength(3);
    expect(stats.totals).toEqual({ STARTED: 1 });
  });

  it("refuses a window out of range, and callers without a token", async () => {
    await expectError(await call("GET", "/api/runs/stats?hours=0"), 422, "validation_failed");
    await expectError(await call("GET", "/api/runs/stats", { token: null }), 401, "unauthorized");
  });
});
