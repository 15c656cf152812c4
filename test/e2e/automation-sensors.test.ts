/**
 * Sub-minute sensors end to end (issue 6), with no cron at all: `wrangler dev --test-scheduled`
 * (the daemon only on demand, and nothing here asks) and a real code location server
 * (test/e2e/fixtures/automation-location.ts).
 * - a sensor asking for 2 s is evaluated every 2 s or so by the run coordinator's alarm;
 * - a run status sensor fires for a run's SUCCESS within seconds, not at the next cron minute.
 * Schedules are automation-schedules.test.ts, with a stack of its own.
 */
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { SensorTickListSchema } from "../../protocol";
import { useAutomationStack } from "../support/automation-stack";
import { waitUntil } from "../support/e2e-stack";

const a = useAutomationStack();

describe("sensors between cron minutes, from the run coordinator's alarm", () => {
  it("evaluates a 2 s sensor again and again once started, never sooner than 2 s apart, with no cron", async () => {
    const started = Date.now();
    await a.api("/api/sensors/fast_sensor/start", "POST");
    await waitUntil(
      async () => SensorTickListSchema.parse(await a.api("/api/sensors/fast_sensor/ticks")).ticks.length >= 4,
      60_000,
      "four evaluations of fast_sensor",
    );
    const elapsed = Date.now() - started;
    const { ticks } = SensorTickListSchema.parse(await a.api("/api/sensors/fast_sensor/ticks"));
    const times = ticks.map((t) => t.started_at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    console.log(`fast_sensor: ${ticks.length} ticks in ${elapsed} ms, gaps ${gaps.join(", ")} ms`);
    // Never sooner than asked. How much later depends on the machine's load, so it is only logged:
    // four evaluations with no cron at all (wrangler dev fires none) are the alarm's doing.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000);
    // The cursor moved with each successful evaluation, each counted once.
    const cursors = ticks.map((t) => Number(t.cursor)).sort((a, b) => a - b);
    expect(cursors.slice(0, 4)).toEqual([1, 2, 3, 4]);
    await a.api("/api/sensors/fast_sensor/stop", "POST");
  });

  it("fires a run status sensor for a run's SUCCESS from the alarm, without a cron minute", async () => {
    const { client } = a.controlPlane;
    // Let it start watching (its first evaluation sets its cursor to then).
    await waitUntil(
      async () => SensorTickListSchema.parse(await a.api("/api/sensors/after_tick/ticks")).ticks.length > 0,
      30_000,
      "after_tick's first evaluation",
    );
    const run = await client.waitForRun((await client.submitRun({ location: "automation", job: "tick" })).id);
    expect(run.status).toBe("SUCCESS");
    const ended = run.ended_at ?? Date.now();
    let echoes: Run[] = [];
    await waitUntil(
      async () => {
        echoes = (await a.runsTagged("flightdeck/sensor=after_tick")).filter((r) =>
          JSON.stringify(r.run_config).includes(run.id),
        );
        return echoes.length > 0;
      },
      60_000,
      "the echo run of after_tick",
    );
    // No cron fires in this test, so the alarm evaluated the sensor; the lag depends on the load.
    const lagMs = (echoes[0]?.created_at ?? 0) - ended;
    console.log(`run status sensor: SUCCESS → its run requested in ${lagMs} ms`);
    expect(echoes).toHaveLength(1);
  });
});
