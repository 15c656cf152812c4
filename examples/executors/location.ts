/**
 * The executors code location (issue 5): jobs that show the multiprocess executor, step retries,
 * re-execution and compute logs, launched by the end-to-end tests and the bench. Its default
 * executor is multiprocess (Dagster's `Definitions(executor=multiprocess_executor)`); `noop_100_in_process`
 * names its own.
 *
 *   fan_out              20 independent steps that sleep `config.ms` (default 300), at most 4 at once
 *   flaky                one op that fails twice and succeeds on its third attempt (LINEAR 0.3 s)
 *   last_fails           a → b → c; c fails until its marker file exists (it creates it when it fails)
 *   long_steps           3 steps sleeping 120 s each, printing their pid: for termination
 *   prints               one step that prints lines on stdout and stderr: for compute logs
 *   noop_100             100 no-op steps (multiprocess), and noop_100_in_process: for the bench
 */

import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { defineCodeLocation, defineJob, defineOp, In, multiprocessExecutor } from "@flightdeck/runner";
import { z } from "zod";

// ---- fan_out

const nap = defineOp({
  name: "nap",
  tags: { kind: "nap" },
  config: z.object({ ms: z.number().int().min(0).default(300) }),
  run: async (ctx) => {
    await sleep(ctx.config.ms, undefined, { signal: ctx.signal });
    return ctx.stepKey;
  },
});

const fanOut = defineJob({
  name: "fan_out",
  description: "20 independent steps, at most 4 at once.",
  executor: multiprocessExecutor({ maxConcurrent: 4 }),
  graph: () => {
    for (let i = 0; i < 20; i++) nap.alias(`nap_${i}`)();
  },
});

// ---- flaky

const flakyOp = defineOp({
  name: "flaky_op",
  retryPolicy: { maxRetries: 3, delaySeconds: 0.3, backoff: "LINEAR" },
  run: (ctx) => {
    if (ctx.retryNumber < 2) throw new Error(`flaky: attempt ${ctx.retryNumber + 1} fails on purpose`);
    return `succeeded on attempt ${ctx.retryNumber + 1}`;
  },
});

const flaky = defineJob({ name: "flaky", description: "Fails twice, then succeeds.", graph: () => flakyOp() });

// ---- last_fails

const seed = defineOp({ name: "seed", run: () => 20 });
const inc = defineOp({ name: "inc", ins: { n: In<number>() }, run: (_ctx, { n }) => n + 1 });
const finish = defineOp({
  name: "finish",
  ins: { n: In<number>() },
  config: z.object({ marker: z.string().describe("a file path; the step fails while it does not exist") }),
  run: (ctx, { n }) => {
    if (!existsSync(ctx.config.marker)) {
      writeFileSync(ctx.config.marker, "failed once\n");
      throw new Error(`finish fails the first time (got ${n}); re-execute from failure`);
    }
    ctx.log.info(`finish got ${n}`);
    return n * 2;
  },
});

const lastFails = defineJob({
  name: "last_fails",
  description: "a → b → c; c fails the first time.",
  graph: () => {
    finish.alias("c")({ n: inc.alias("b")({ n: seed.alias("a")() }) });
  },
});

// ---- long_steps

const long = defineOp({
  name: "long",
  run: async (ctx) => {
    console.log(`step ${ctx.stepKey} runs as pid ${process.pid}`);
    await sleep(120_000, undefined, { signal: ctx.signal });
  },
});

const longSteps = defineJob({
  name: "long_steps",
  executor: multiprocessExecutor({ maxConcurrent: 3 }),
  graph: () => {
    for (let i = 0; i < 3; i++) long.alias(`long_${i}`)();
  },
});

// ---- prints

const printer = defineOp({
  name: "printer",
  run: () => {
    for (let i = 1; i <= 3; i++) console.log(`hello from the printer, line ${i}`);
    console.error("a line on stderr");
    return 3;
  },
});

const prints = defineJob({ name: "prints", graph: () => printer() });

// ---- noop_100

const noop = defineOp({ name: "noop_step", run: () => null });
const noopGraph = () => {
  for (let i = 0; i < 100; i++) noop.alias(`noop_${i}`)();
};
const noop100 = defineJob({ name: "noop_100", graph: noopGraph });
const noop100InProcess = defineJob({ name: "noop_100_in_process", executor: "in_process", graph: noopGraph });

export default defineCodeLocation({
  jobs: [fanOut, flaky, lastFails, longSteps, prints, noop100, noop100InProcess],
  executor: "multiprocess",
});
