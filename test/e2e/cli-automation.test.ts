/**
 * The `flightdeck` CLI's automation commands against a real control plane (`wrangler dev`) and
 * the demo code location: schedules started and stopped, sensors' cursors read, set and reset,
 * both previewed through the real code location, and code locations listed and reloaded. Each
 * command runs as its own Node process, as a user types it (test/support/cli.ts), logged in once.
 */
import { describe, expect, it } from "vitest";
import { ScheduleListSchema, ScheduleTickListSchema, SensorTickListSchema } from "../../protocol";
import { expectOneLineError, useCliStack } from "../support/cli";

const { cli } = useCliStack({ loggedIn: true });

describe("flightdeck schedule", () => {
  it("starts and stops a schedule", async () => {
    const started = await cli(["schedule", "start", "greet_weekdays"]);
    expect(started.stdout).toBe("The schedule demo/greet_weekdays is RUNNING.\n");
    const listed = ScheduleListSchema.parse(JSON.parse((await cli(["schedule", "list", "--json"])).stdout));
    expect(listed.schedules.find((s) => s.name === "greet_weekdays")?.status).toBe("RUNNING");
    const table = await cli(["schedule", "list"]);
    expect(table.stdout).toMatch(/demo\/greet_weekdays\s+greet\s+RUNNING\s+0 9 \* \* 1-5/);

    const stopped = await cli(["schedule", "stop", "greet_weekdays"]);
    expect(stopped.stdout).toBe("The schedule demo/greet_weekdays is STOPPED.\n");
    expectOneLineError(await cli(["schedule", "start", "no_such_schedule"]), /no_such_schedule/, 1);
  });
});

describe("flightdeck schedule ticks and sensor ticks", () => {
  it("read a tick history by name, as a table or JSON, and name what is unknown", async () => {
    // No daemon pass has run for this schedule in this stack: an empty history, said in words.
    expect((await cli(["schedule", "ticks", "greet_weekdays"])).stdout).toBe("No ticks yet.\n");
    const schedule = await cli(["schedule", "ticks", "greet_weekdays", "--location", "demo", "--limit", "5", "--json"]);
    expect(ScheduleTickListSchema.parse(JSON.parse(schedule.stdout)).ticks).toEqual([]);
    const sensor = await cli(["sensor", "ticks", "new_files", "--json"]);
    const { ticks } = SensorTickListSchema.parse(JSON.parse(sensor.stdout));
    const table = (await cli(["sensor", "ticks", "new_files"])).stdout;
    if (ticks.length === 0) expect(table).toBe("No ticks yet.\n");
    else expect(table.split("\n")[0]).toMatch(/^STARTED\s+STATUS\s+RUNS\s+CURSOR\s+REASON$/);
    expectOneLineError(await cli(["schedule", "ticks", "no_such_schedule"]), /no_such_schedule/, 1);
    expectOneLineError(await cli(["sensor", "ticks", "new_files", "--limit", "0"]), /limit/, 2);
  });
});

describe("flightdeck location", () => {
  it("lists code locations and reloads one", async () => {
    const locations = await cli(["location", "list"]);
    expect(locations.stdout).toMatch(/^demo\s+LOADED\s+5\s/m);
    expect((await cli(["location", "reload", "demo"])).stdout).toBe("demo: LOADED, 5 jobs\n");
  });
});

describe("flightdeck sensor", () => {
  it("lists sensors, and reads, sets and resets a sensor's cursor", async () => {
    expect((await cli(["sensor", "list"])).stdout).toMatch(/demo\/new_files\s+greet\s+(RUNNING|STOPPED)\s+30s/);
    const cursor = await cli(["sensor", "cursor", "new_files", "--json"]);
    expect(JSON.parse(cursor.stdout)).toMatchObject({ location: "demo", sensor: "new_files" });
    const setCursor = await cli(["sensor", "cursor", "new_files", "--set", "file-41"]);
    expect(setCursor.stdout, setCursor.stderr).toBe("The cursor of demo/new_files is now file-41.\n");
    expect((await cli(["sensor", "cursor", "new_files"])).stdout).toBe("file-41\n");
    expect((await cli(["sensor", "cursor", "new_files", "--reset"])).stdout).toBe(
      "The cursor of demo/new_files is reset.\n",
    );
    expect((await cli(["sensor", "cursor", "new_files"])).stdout).toBe("(no cursor)\n");
    expectOneLineError(await cli(["sensor", "cursor", "new_files", "--set", "a", "--reset"]), /not both/, 2);
  });
});

describe("flightdeck schedule and sensor preview", () => {
  it("evaluates a schedule's next tick and a sensor through the real code location, launching nothing", async () => {
    // The demo's weekday schedule evaluated for its next tick: one greet run, launched by no one.
    const preview = await cli(["schedule", "preview", "greet_weekdays", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({
      location: "demo",
      error: null,
      run_requests: [{ job: "greet", run_config: { ops: { hello: { config: { name: "team" } } } } }],
    });
    const sensorPreview = await cli(["sensor", "preview", "new_files", "--cursor", "c-1"]);
    expect(sensorPreview.stdout, sensorPreview.stderr).toMatch(/Cursor unchanged: c-1/);
  });
});
