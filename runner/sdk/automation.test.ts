/** The SDK's schedules and sensors: definitions on the wire, and their functions' answers in the wire shape. */
import { describe, expect, it } from "vitest";
import { DefinitionsSchema } from "../../protocol";
import { defineCodeLocation } from "./code-location";
import { describeCodeLocation } from "./definitions";
import { evaluateInstigator } from "./evaluate-instigator";
import { defineJob } from "./job";
import { defineOp } from "./op";
import { defineSchedule, evaluateSchedule } from "./schedule";
import { defineRunStatusSensor, defineSensor, evaluateSensor } from "./sensor";

const job = defineJob({ name: "work", graph: () => defineOp({ name: "step", run: () => 1 })() });

describe("defineSchedule", () => {
  it("describes a static schedule on the wire, defaulting to UTC and STOPPED", () => {
    const schedule = defineSchedule({ name: "nightly", job, cron: "0 2 * * *", tags: { team: "data" } });
    const location = defineCodeLocation({ jobs: [job], schedules: [schedule] });
    const wire = DefinitionsSchema.parse(describeCodeLocation(location)).schedules[0];
    expect(wire).toEqual({
      name: "nightly",
      job: "work",
      cron_schedule: "0 2 * * *",
      execution_timezone: "UTC",
      default_status: "STOPPED",
      description: null,
      tags: { team: "data" },
    });
  });

  it("refuses a cron without five fields and an unknown time zone, naming both", () => {
    expect(() => defineSchedule({ name: "bad", job, cron: "0 2 * *", timezone: "Mars/Base" })).toThrow(
      /five fields[\s\S]*Mars\/Base/,
    );
  });

  it.each([
    [() => ({ skip: "holiday" }), { skip_reason: "holiday" }],
    [() => [{ run_key: "a" }, { run_key: "b" }], { run_requests: [{ run_key: "a" }, { run_key: "b" }] }],
    [() => ({ tags: { x: "1" } }), { run_requests: [{ tags: { x: "1" } }] }],
    [() => null, { run_requests: [] }],
  ])("puts an evaluate function's answer in the wire shape (%#)", async (evaluate, expected) => {
    const schedule = defineSchedule({ name: "s", job, cron: "@daily", evaluate });
    expect(await evaluateSchedule(schedule, 0)).toEqual(expected);
    expect(schedule.evaluated).toBe(true);
  });
});

describe("defineSensor", () => {
  it("passes the cursor and last tick in, and the new cursor out", async () => {
    const sensor = defineSensor({
      name: "files",
      job,
      evaluate: ({ cursor, lastTickAt }) => ({
        runRequests: [{ run_key: `${cursor}-${lastTickAt?.getTime()}` }],
        cursor: "next",
      }),
    });
    expect(await evaluateSensor(sensor, { cursor: "c1", last_tick_at: 5 })).toEqual({
      run_requests: [{ run_key: "c1-5" }],
      cursor: "next",
    });
  });

  it("evaluates a run status sensor with the run", async () => {
    const sensor = defineRunStatusSensor({
      name: "on_failure",
      runStatus: "FAILURE",
      monitoredJobs: [job],
      evaluate: ({ run }) => ({ job: "work", tags: { failed: run.id } }),
    });
    const run = { id: "r1", location: "demo", job: "work", status: "FAILURE" as const, tags: {} };
    expect(await evaluateSensor(sensor, { cursor: null, last_tick_at: null, run })).toEqual({
      run_requests: [{ job: "work", tags: { failed: "r1" } }],
    });
    expect(sensor).toMatchObject({ run_status: "FAILURE", monitored_jobs: ["work"] });
  });
});

describe("evaluateInstigator", () => {
  const location = defineCodeLocation({
    jobs: [job],
    schedules: [defineSchedule({ name: "s", job, cron: "@daily", evaluate: () => ({ skip: "no" }) })],
  });
  it("answers a schedule's evaluation request", async () => {
    expect(await evaluateInstigator(location, "schedules", "s", { scheduled_time: 1 })).toEqual({ skip_reason: "no" });
  });
  it("refuses an unknown name (404) and a malformed request (400)", async () => {
    await expect(evaluateInstigator(location, "sensors", "nope", {})).rejects.toMatchObject({ httpStatus: 404 });
    await expect(evaluateInstigator(location, "schedules", "s", { when: 1 })).rejects.toMatchObject({
      httpStatus: 400,
    });
  });
});
