/**
 * What `npm run deploy` ships, short of a Cloudflare account: the config it generates (wrangler.toml
 * with a resolved database id, lib/deploy-plan.ts) passes `wrangler deploy --dry-run`, which
 * bundles the Worker, reads the assets and checks every binding, offline.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDashboard, DASHBOARD_DIST } from "../../scripts/lib/dashboard-build";
import { readDeployTargets, withDatabaseId } from "../../scripts/lib/deploy-plan";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { runToCompletion } from "../../scripts/lib/processes";

// Beside wrangler.toml, as deploy.ts writes it: wrangler resolves main, assets and migrations from there.
const config = path.join(REPO_ROOT, `wrangler.deploy-dry-run-${process.pid}.toml`);
let outdir: string;

beforeAll(async () => {
  outdir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-dry-run-"));
  if (!existsSync(path.join(DASHBOARD_DIST, "index.html"))) await buildDashboard();
});
afterAll(async () => {
  await rm(config, { force: true });
  await rm(outdir, { recursive: true, force: true });
});

it("the generated deploy config bundles and binds under wrangler deploy --dry-run", async () => {
  const toml = await readFile(path.join(REPO_ROOT, "wrangler.toml"), "utf8");
  const id = "7d2c9a40-1e3b-4c8f-b6a5-9f0e12d34c56";
  await writeFile(config, withDatabaseId(toml, readDeployTargets(toml).database, id));
  const output = await runToCompletion(
    path.join(REPO_ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--config", config, "--outdir", outdir, "--var", "PUBLIC_URL:https://flightdeck.example"],
    { cwd: REPO_ROOT, env: { WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" } },
  );
  expect(output).toContain("--dry-run: exiting now.");
  expect(output).toMatch(/env\.DB \(flightdeck\)\s+D1 Database/);
  expect(output).toMatch(/env\.COMPUTE_LOGS \(flightdeck-compute-logs\)\s+R2 Bucket/);
  expect(output).toMatch(/env\.RUN_COORDINATOR \(RunCoordinator\)\s+Durable Object/);
  expect(existsSync(path.join(outdir, "index.js"))).toBe(true);
});
