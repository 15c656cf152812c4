/**
 * The demo code location: small jobs that show the SDK (Dagster's ops, jobs and Definitions) and
 * that the README, the end-to-end tests and the benchmarks launch.
 *
 *   diamond  a → (b, c) → d: values flow along the edges; `d` logs the combined result
 *   fails    the middle op throws, so the last op is skipped and the run fails
 *   sleepy   sleeps `config.seconds` (default 30), stopping early when the run is terminated
 *   noop     one op that does nothing, for latency benchmarks
 *   greet    requires config (`{name}`), for run config validation
 *
 * Automation (issue 6):
 *   greet_weekdays     a schedule: greets at 09:00 Paris time on weekdays (STOPPED until started)
 *   noop_every_minute  a schedule: noop at every minute (STOPPED until started)
 *   new_files          a sensor: one `greet` run per new file in FLIGHTDECK_DEMO_INBOX (default
 *                      .flightdeck/demo-inbox; `npm start` sets <state dir>/demo-inbox), keyed by the file name so each file runs once
 */

import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { defineCodeLocation, defineJob, defineOp, defineSchedule, defineSensor, In } from "@flightdeck/runner";
import { z } from "zod";

// ---- diamond

const start = defineOp({
  name: "start",
  description: "Emits the number the diamond starts from.",
  config: z.object({ value: z.number().default(1).describe("the number to start from") }),
  run: (ctx) => {
    ctx.log.info(`starting from ${ctx.config.value}`);
    return ctx.config.value;
  },
});

const addTen = defineOp({
  name: "add_ten",
  ins: { n: In<number>() },
  run: (_ctx, { n }) => n + 10,
});

const double = defineOp({
  name: "double",
  ins: { n: In<number>() },
  run: (_ctx, { n }) => n * 2,
});

const combine = defineOp({
  name: "combine",
  description: "Multiplies the two branches, so the result proves both values arrived.",
  ins: { left: In<number>(), right: In<number>() },
  run: (ctx, { left, right }) => {
    const product = left * right;
    ctx.log.info(`combined ${left} × ${right} = ${product}`);
    return product;
  },
});

const diamond = defineJob({
  name: "diamond",
  description: "a → b, a → c, (b, c) → d. With the default config the result is (1 + 10) × (1 × 2) = 22.",
  tags: { team: "demo" },
  graph: () => {
    const a = start.alias("a")();
    const b = addTen.alias("b")({ n: a });
    const c = double.alias("c")({ n: a });
    combine.alias("d")({ left: b, right: c });
  },
});

// ---- fails

const explode = defineOp({
  name: "explode",
  ins: { n: In<number>() },
  run: (_ctx, { n }): number => {
    throw new Error(`explode refuses to handle ${n}`);
  },
});

const fails = defineJob({
  name: "fails",
  description: "The middle op throws: the last op is skipped and the run fails.",
  graph: () => {
    const first = start();
    const middle = explode({ n: first });
    double.alias("after")({ n: middle });
  },
});

// ---- sleepy

const nap = defineOp({
  name: "nap",
  config: z.object({ seconds: z.number().nonnegative().default(30) }),
  run: async (ctx) => {
    for (let slept = 0; slept < ctx.config.seconds; slept++) {
      ctx.log.info(`slept ${slept} of ${ctx.config.seconds} seconds`);
      // Rejects with an AbortError as soon as the run is terminated.
      await sleep(1000, undefined, { signal: ctx.signal });
    }
    ctx.log.info("woke up");
  },
});

const sleepy = defineJob({ name: "sleepy", description: "Sleeps, honoring termination.", graph: () => nap() });

// ---- noop and greet

const noop = defineJob({
  name: "noop",
  description: "One op that does nothing: measures the platform's own latency.",
  graph: () => defineOp({ name: "noop_op", run: () => null })(),
});

const hello = defineOp({
  name: "hello",
  config: z.object({ name: z.string().min(1) }),
  run: (ctx) => {
    const greeting = `Hello, ${ctx.config.name}!`;
    ctx.log.info(greeting);
    return greeting;
  },
});

const greet = defineJob({
  name: "greet",
  description: "Requires config: `{ops: {hello: {config: {name}}}}`.",
  graph: () => hello(),
});

// ---- automation

const greetWeekdays = defineSchedule({
  name: "greet_weekdays",
  job: greet,
  cron: "0 9 * * 1-5",
  timezone: "Europe/Paris",
  runConfig: { ops: { hello: { config: { name: "team" } } } },
  description: "Says good morning on weekdays.",
});

const noopEveryMinute = defineSchedule({
  name: "noop_every_minute",
  job: noop,
  cron: "* * * * *",
  description: "Runs noop at every minute; stopped until you start it (the daemon's pulse, to watch it fire).",
});

const newFiles = defineSensor({
  name: "new_files",
  job: greet,
  // FLIGHTDECK_DEMO_SENSOR_INTERVAL lets the end-to-end tests evaluate it every second.
  minimumIntervalSeconds: Number(process.env.FLIGHTDECK_DEMO_SENSOR_INTERVAL ?? 30),
  defaultStatus: "RUNNING",
  description: "One greet run per new file in the inbox directory.",
  evaluate: () => {
    const inbox = resolve(process.env.FLIGHTDECK_DEMO_INBOX ?? ".flightdeck/demo-inbox");
    if (!existsSync(inbox)) return { skipReason: `${inbox} does not exist yet.` };
    const files = readdirSync(inbox).filter((name) => !name.startsWith("."));
    if (files.length === 0) return { skipReason: `No files in ${inbox}.` };
    // The file name is the run key: the control plane launches each file's run once, forever.
    return files.map((file) => ({
      run_key: file,
      run_config: { ops: { hello: { config: { name: file } } } },
      tags: { file },
    }));
  },
});

export default defineCodeLocation({
  jobs: [diamond, fails, sleepy, noop, greet],
  schedules: [greetWeekdays, noopEveryMinute],
  sensors: [newFiles],
});
