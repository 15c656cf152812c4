/**
 * The daemon under `npm start`, with no manual call: the Cron Trigger of wrangler.toml fires at
 * each minute boundary (start.ts does what wrangler dev does not), PUBLIC_URL is the local URL so
 * the daemon can launch, and
 * - an every-minute schedule started through the API produces its run at the next minute;
 * - the demo's `new_files` sensor (default RUNNING) launches a run for a file already in its inbox
 *   at its first evaluation, at that same minute;
 * - the command npm start prints to run one daemon iteration by hand works.
 * The first two share the wait for that one minute boundary (they run concurrently); the
 * sub-minute evaluation of a sensor by the run coordinator's alarm is automation-sensors.test.ts's.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RunListSchema, ScheduleReplySchema, SensorTickListSchema, TAG } from "../../protocol";
import { waitUntil } from "../support/e2e-stack";
import { type NpmStart, startAsNpmStart } from "../support/npm-start";

let dir: string;
let stack: NpmStart;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-npm-start-"));
  // A file already waiting in the demo sensor's inbox when the stack starts (npm start keeps what
  // its state dir holds), so the sensor's first evaluation, at the first cron minute, finds it.
  await mkdir(path.join(dir, "state/demo-inbox"), { recursive: true });
  await writeFile(path.join(dir, "state/demo-inbox/report.csv"), "a,b\n1,2\n");
  stack = await startAsNpmStart(path.join(dir, "state"));
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

const runsTagged = async (tag: string) =>
  (await stack.client.request("GET", `/api/runs?tag=${encodeURIComponent(tag)}&limit=100`, RunListSchema)).runs;

/** The minute boundary strictly after `ms`, when the every-minute Cron Trigger fires next. */
const minuteAfter = (ms: number) => (Math.floor(ms / 60_000) + 1) * 60_000;
// How long to wait for what the next minute brings: the minute (at most 60 s), then the launch,
// slow on a loaded machine. Which minute it was is asserted from the run, not from this window.
const NEXT_MINUTE_WAIT_MS = 150_000;

it.concurrent("an every-minute schedule started through the API produces its run at the next minute", async ({
  expect,
}) => {
  const startedAt = Date.now();
  const started = await stack.client.request("POST", "/api/schedules/noop_every_minute/start", ScheduleReplySchema);
  expect(started.schedule.status).toBe("RUNNING");
  const tag = `${TAG.schedule}=noop_every_minute`;
  await waitUntil(async () => (await runsTagged(tag)).length > 0, NEXT_MINUTE_WAIT_MS, "the schedule's first run");
  const [first] = await runsTagged(tag);
  expect(first?.job).toBe("noop");
  // Its tick is the first minute after the start (or the one after, if the start landed on the boundary).
  const scheduledTime = Date.parse(first?.tags["flightdeck/scheduled_time"] ?? "");
  expect([minuteAfter(startedAt), minuteAfter(minuteAfter(startedAt))]).toContain(scheduledTime);
  expect((await stack.client.waitForRun(first?.id ?? "")).status).toBe("SUCCESS");
}, 180_000);

it.concurrent("the demo sensor, RUNNING by default, launches a run for a file in its inbox at its first evaluation", async ({
  expect,
}) => {
  expect(stack.demoInbox).toBe(path.join(dir, "state/demo-inbox"));
  const ticks = async () =>
    (await stack.client.request("GET", "/api/sensors/new_files/ticks", SensorTickListSchema)).ticks;
  const tag = `${TAG.sensor}=new_files`;
  await waitUntil(
    async () => (await runsTagged(tag)).length > 0,
    NEXT_MINUTE_WAIT_MS,
    "the sensor's run for report.csv",
  );
  const runs = await runsTagged(tag);
  // Launched by the sensor's first evaluation, not a later one.
  const firstTick = (await ticks()).at(-1);
  expect(firstTick?.run_ids).toEqual([runs[0]?.id]);
  expect(runs).toHaveLength(1);
  expect(runs[0]?.tags).toMatchObject({ file: "report.csv" });
  expect((await stack.client.waitForRun(runs[0]?.id ?? "")).status).toBe("SUCCESS");
}, 180_000);

it("runs one daemon iteration by hand with the command npm start prints", async () => {
  expect(stack.oneIterationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__scheduled\?cron=/);
  const res = await fetch(stack.oneIterationUrl);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("Ran scheduled event");
});
