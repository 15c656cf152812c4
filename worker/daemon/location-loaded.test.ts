/**
 * A code location's default-RUNNING schedules are taken up when it loads, not at the daemon's
 * next minute: the first cron boundary after the load runs the schedule's tick.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import type { Definitions, ScheduleDefinition } from "../../protocol";
import { RunListSchema } from "../../protocol";
import worker from "../index";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { newFake, registerFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";

useCleanDatabase();
afterEach(() => vi.restoreAllMocks());

const MINUTE = 60_000;
const everyMinute = (default_status: "RUNNING" | "STOPPED"): ScheduleDefinition => ({
  name: "every_minute",
  job: "noop",
  cron_schedule: "* * * * *",
  execution_timezone: "UTC",
  default_status,
  description: null,
});

async function register(definitions: Partial<Definitions>) {
  const fake = newFake();
  fake.definitions = { ...SAMPLE_DEFINITIONS, ...definitions };
  interceptCodeLocations(fake);
  await registerFake(fake);
}

async function tick(scheduledTime: number) {
  const daemonEnv = {
    ...env,
    INSTANCE_CONFIG: JSON.stringify({ run_coordinator: { type: "default" } }),
    PUBLIC_URL: "https://flightdeck.test",
  };
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), daemonEnv);
}

async function scheduledRuns() {
  const res = await call("GET", "/api/runs?tag=flightdeck/schedule=every_minute");
  return RunListSchema.parse(await res.json()).runs;
}

it("a default-RUNNING schedule runs at the first cron boundary after its location loads", async () => {
  await register({ schedules: [everyMinute("RUNNING")] });
  const boundary = Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;
  await tick(boundary);
  expect(await scheduledRuns()).toHaveLength(1);
});

it("a default-STOPPED schedule is not taken up: its first cron boundary runs nothing", async () => {
  await register({ schedules: [everyMinute("STOPPED")] });
  await tick(Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE);
  expect(await scheduledRuns()).toHaveLength(0);
});
