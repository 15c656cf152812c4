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
        test: { name: "worker-node", environment: "node", include: ["worker/**/*.node.test.ts"] },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          environment: "node",
          // The dashboard's pure modules (validation, scaffold, step timeline) test here too, in Node.
          include: ["test/browser/**/*.test.ts", "ui/**/*.test.ts"],
          globalSetup: ["./test/browser/support/build-ui.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
}));
