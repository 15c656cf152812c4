/**
 * Schedules end to end (issue 6): `wrangler dev --test-scheduled` (GET /__scheduled runs
 * scheduled(), as the one-minute Cron Trigger would) and a real code location server
 * (test/e2e/fixtures/automation-location.ts): a schedule's due tick launches exactly one run,
 * though scheduled() fires twice at once for that minute, and again later in the same minute.
 * Most of its time is waiting for a minute to turn, so it is a file of its own, beside the
 * sensors' (automation-sensors.test.ts).
 */
import { describe, expect, it } from "vitest";
import { ScheduleTickListSchema } from "../../protocol";
import { useAutomationStack } from "../support/automation-stack";
import { runScheduled } from "../support/e2e-stack";

const a = useAutomationStack();

const MINUTE = 60_000;

describe("schedules through the scheduled handler", () => {
  it("launches a due tick exactly once, though scheduled() fires twice at once for that minute", async () => {
    // The location's load took up this RUNNING schedule (cursor at the load), so this pass runs
    // the tick of any minute crossed since; the next minute's tick is the one under test.
    // Well clear of a boundary, so "now" and "the next minute" are the same for both sides even
    // when a loaded machine takes seconds to answer: too close, and the test starts in the next one.
    const leftInMinute = MINUTE - (Date.now() % MINUTE);
    if (leftInMinute < 15_000) await new Promise((resolve) => setTimeout(resolve, leftInMinute + 500));
    await runScheduled(a.controlPlane);
    const nextMinute = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
    await new Promise((resolve) => setTimeout(resolve, nextMinute - Date.now() + 300));
    await Promise.all([runScheduled(a.controlPlane), runScheduled(a.controlPlane)]);
    await runScheduled(a.controlPlane); // later in the same minute: nothing new is due

    const runs = (await a.runsTagged("flightdeck/schedule=every_minute")).filter(
      (run) => run.tags["flightdeck/scheduled_time"] === new Date(nextMinute).toISOString(),
    );
    expect(runs).toHaveLength(1);
    const { ticks } = ScheduleTickListSchema.parse(await a.api("/api/schedules/every_minute/ticks"));
    const ofNextMinute = ticks.filter((t) => t.scheduled_time >= nextMinute);
    expect(ofNextMinute.map((t) => [t.scheduled_time, t.status, t.run_ids])).toEqual([
      [nextMinute, "SUCCESS", [runs[0]?.id]],
    ]);
    expect((await a.controlPlane.client.waitForRun(runs[0]?.id ?? "")).status).toBe("SUCCESS");
  });
});
