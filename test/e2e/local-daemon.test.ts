/**
 * The daemon under `npm start`, with no manual call: the Cron Trigger of wrangler.toml fires at
 * each minute boundary (start.ts does what wrangler dev does not), PUBLIC_URL is the local URL so
 * the daemon can launch, and
 * - an every-minute schedule started through the API produces its run within 70 s;
 * - the demo's `new_files` sensor (default RUNNING) launches a run within its 30 s interval after
 *   a file appears in its inbox;
 * - the command npm start prints to run one daemon iteration by hand works.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
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
  stack = await startAsNpmStart(path.join(dir, "state"));
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

const runsTagged = async (tag: string) =>
  (await stack.client.request("GET", `/api/runs?tag=${encodeURIComponent(tag)}&limit=100`, RunListSchema)).runs;

it("an every-minute schedule started through the API produces its run within 70 s", async () => {
  const started = await stack.client.request("POST", "/api/schedules/noop_every_minute/start", ScheduleReplySchema);
  expect(started.schedule.status).toBe("RUNNING");
  const tag = `${TAG.schedule}=noop_every_minute`;
  await waitUntil(async () => (await runsTagged(tag)).length > 0, 70_000, "the schedule's first run");
  const [first] = await runsTagged(tag);
  expect(first?.job).toBe("noop");
  expect((await stack.client.waitForRun(first?.id ?? "")).status).toBe("SUCCESS");
}, 180_000);

it("the demo sensor, RUNNING by default, launches a run within its interval after a file lands in its inbox", async () => {
  // The daemon takes the sensor up at its first minute; from then on it is evaluated every 30 s.
  const ticks = async () =>
    (await stack.client.request("GET", "/api/sensors/new_files/ticks", SensorTickListSchema)).ticks;
  await waitUntil(async () => (await ticks()).length > 0, 70_000, "the sensor's first evaluation");

  await writeFile(path.join(stack.demoInbox, "report.csv"), "a,b\n1,2\n");
  const tag = `${TAG.sensor}=new_files`;
  await waitUntil(async () => (await runsTagged(tag)).length > 0, 30_000 + 15_000, "the sensor's run for report.csv");
  const runs = await runsTagged(tag);
  expect(runs).toHaveLength(1);
  expect(runs[0]?.tags).toMatchObject({ file: "report.csv" });
  expect((await stack.client.waitForRun(runs[0]?.id ?? "")).status).toBe("SUCCESS");
}, 240_000);

it("runs one daemon iteration by hand with the command npm start prints", async () => {
  expect(stack.oneIterationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__scheduled\?cron=/);
  const res = await fetch(stack.oneIterationUrl);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("Ran scheduled event");
});
