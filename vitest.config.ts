import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Six projects, one `vitest run`: the Worker in workerd (and its Intl-heavy pure modules in Node),
// the runner in Node, the import graph in Node, the end-to-end tests that start `wrangler dev` and
// real code location servers, and the dashboard in Chromium.
export default defineConfig(async () => ({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Fails the run when a test leaves a process or a temporary directory behind.
    globalSetup: ["./test/support/leftovers.ts"],
    // Three test files at a time, of every project at once (one group: Vitest runs groups one
    // after another, and files with fileParallelism off in a group of their own, one by one, last).
    // The default on 2 cores is one at a time, and most of an end-to-end or browser file's time is
    // spent waiting on other processes (wrangler starting, a run worker, a cron minute), which the
    // files beside it use. Every e2e/browser file starts its own stack on free ports in its own
    // temporary directory, so files never share state.
    maxWorkers: 3,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                ADMIN_TOKEN: "test-admin-token",
                // How many requests the hostile-input property test sends (worker/http/fuzz.property.test.ts).
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? "150",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["worker/**/*.test.ts", "protocol/**/*.test.ts"],
          exclude: ["worker/**/*.node.test.ts"],
          setupFiles: ["./worker/test/apply-migrations.ts"],
          // One Miniflare (workerd) per pool worker, reused file after file, instead of one per file:
          // starting it was most of the project's time. The setup file resets storage per file.
          isolate: false,
          // A timeout catches a hung test, not a slow one: tests of 1 to 3 s of CPU take several times
          // that on 2 cores shared with the files beside them (and a loaded machine).
          testTimeout: 30_000,
        },
      },
      {
        // The runner, and the Node scripts' pure modules (npm start's cron triggers, npm run deploy's plan).
        test: {
          name: "runner",
          environment: "node",
          include: ["runner/**/*.test.ts", "scripts/**/*.test.ts"],
          // Its tests start real servers and processes: seconds each, tens of seconds on a loaded machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The import graph's rules (layering, no circle through the Durable Object, no dead export).
        test: { name: "architecture", environment: "node", include: ["test/architecture/**/*.test.ts"] },
      },
      {
        // Pure Worker modules whose tests are heavy on Intl (a year of every IANA zone): workerd's
        // Intl is several times slower than Node's, and these modules use nothing else of workerd.
        test: { name: "worker-node", environment: "node", include: ["worker/**/*.node.test.ts"], testTimeout: 30_000 },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          // A migrated D1 made once for every stack the files start (test/support/stack-artifacts.ts).
          globalSetup: ["./test/support/stack-artifacts.ts"],
          testTimeout: 120_000,
          // A file's stack (wrangler dev, code location servers, Chromium) starts in its beforeAll: a
          // minute or two when the machine is loaded, besides the files running with it.
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "browser",
          environment: "node",
          // The dashboard's pure modules (validation, scaffold, step timeline) test here too, in Node.
          include: ["test/browser/**/*.test.ts", "ui/**/*.test.ts"],
          globalSetup: ["./test/browser/support/build-ui.ts", "./test/support/stack-artifacts.ts"],
          testTimeout: 120_000,
          // A file's stack (wrangler dev, code location servers, Chromium) starts in its beforeAll: a
          // minute or two when the machine is loaded, besides the files running with it.
          hookTimeout: 300_000,
        },
      },
    ],
  },
}));
