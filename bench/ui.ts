/**
 * The dashboard's figures for `npm run bench`: the initial JavaScript gzipped (what a first visit
 * downloads before any page chunk) and the time to show the runs page with 10,000 runs stored,
 * from navigation start to the first page of rows on screen, in Debian's Chromium.
 *
 * Call from bench/index.ts after `vite build ui`:
 *   const ui = await runUiBench(path.join(dir, "ui"));   rows.push(...uiRows(ui));
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { TERMINAL_STATUSES } from "../protocol";
import { launchChromium } from "../scripts/lib/chromium";
import { applyMigrations, generateAdminToken, REPO_ROOT, startControlPlane } from "../scripts/lib/local-stack";
import { runToCompletion } from "../scripts/lib/processes";
import { percentile } from "./stats";

export type LatencyStats = { p50: number; p95: number; max: number; samples: number };

function summarize(samples: number[]): LatencyStats {
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: Math.max(...samples),
    samples: samples.length,
  };
}

export type InitialJs = { files: string[]; rawBytes: number; gzipBytes: number; cssGzipBytes: number };

/** The entry script, its modulepreloads and stylesheet, as index.html names them; gzip -9 like a CDN. */
export async function measureInitialJs(distDir = path.join(REPO_ROOT, "ui/dist")): Promise<InitialJs> {
  const html = await readFile(path.join(distDir, "index.html"), "utf8");
  const refs = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1] ?? "");
  const scripts = [
    ...refs(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...refs(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  const styles = refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
  const read = (ref: string) => readFile(path.join(distDir, ref.replace(/^\//, "")));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const ref of scripts) {
    const body = await read(ref);
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  let cssGzipBytes = 0;
  for (const ref of styles) cssGzipBytes += gzipSync(await read(ref), { level: 9 }).length;
  return { files: scripts, rawBytes, gzipBytes, cssGzipBytes };
}

const JOBS = ["diamond", "fails", "sleepy", "noop", "greet"];
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Writes `count` finished runs (with tags) straight into the local D1, in multi-row INSERTs. */
export async function seedRuns(persistDir: string, count: number, now = Date.now()): Promise<void> {
  const lines: string[] = [];
  const CHUNK = 250;
  for (let start = 0; start < count; start += CHUNK) {
    const runs: string[] = [];
    const tags: string[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const id = randomUUID();
      const created = now - (count - i) * 8_000;
      const status = TERMINAL_STATUSES[i % 7 === 0 ? 1 : i % 13 === 0 ? 2 : 0] ?? "SUCCESS";
      const runTags = { team: `team-${i % 5}`, "flightdeck/priority": "0" };
      runs.push(
        `(${sqlString(id)},'demo',${sqlString(JOBS[i % JOBS.length] ?? "noop")},'${status}','{}',${sqlString(JSON.stringify(runTags))},0,1,${created},${created + 2_000},${created + 200},${created + 2_000})`,
      );
      for (const [k, v] of Object.entries(runTags)) tags.push(`(${sqlString(id)},${sqlString(k)},${sqlString(v)})`);
    }
    lines.push(
      `INSERT INTO runs (id, location, job, status, run_config, tags, priority, attempt, created_at, updated_at, started_at, ended_at) VALUES ${runs.join(",")};`,
    );
    lines.push(`INSERT INTO run_tags (run_id, key, value) VALUES ${tags.join(",")};`);
  }
  await executeLocalSql(persistDir, "seed-runs.sql", lines);
}

/** Runs SQL statements against the local D1 in `persistDir`, through a file as wrangler wants. */
export async function executeLocalSql(persistDir: string, fileName: string, statements: string[]): Promise<void> {
  const file = path.join(persistDir, fileName);
  await writeFile(file, statements.join("\n"));
  await runToCompletion(
    path.join(REPO_ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "flightdeck", "--local", "--persist-to", persistDir, "--file", file],
    { cwd: REPO_ROOT, env: { WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" } },
  );
}

/** Signs the dashboard in `page` in with the admin token. */
export async function signInDashboard(page: Page, url: string, adminToken: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByTestId("sign-in-token").fill(adminToken);
  await page.getByTestId("sign-in-submit").click();
  await page.getByTestId("sign-out").waitFor();
}

export type RunsPageTiming = { runsStored: number; first: number; warm: LatencyStats };

/**
 * Signs in once, then loads /runs `samples` times: each sample is navigation start → the first
 * page of rows in the DOM, read from the page's own clock (performance.now()).
 */
export async function measureRunsPage(
  url: string,
  adminToken: string,
  samples: number,
): Promise<Omit<RunsPageTiming, "runsStored">> {
  const { page, close } = await launchChromium();
  try {
    await signInDashboard(page, url, adminToken);
    const once = async () => {
      await page.goto(`${url}/runs`, { waitUntil: "commit" });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length >= 50, undefined, {
        polling: "raf",
        timeout: 30_000,
      });
      return page.evaluate(() => performance.now());
    };
    const first = await once();
    const warm: number[] = [];
    for (let i = 0; i < samples; i++) warm.push(await once());
    return { first, warm: summarize(warm) };
  } finally {
    await close();
  }
}

export type UiBench = { initialJs: InitialJs; runsPage: RunsPageTiming };

/** The whole UI bench on its own control plane in `dir` (ui/dist must be built). */
export async function runUiBench(dir: string, opts: { runs?: number; samples?: number } = {}): Promise<UiBench> {
  const runs = opts.runs ?? 10_000;
  const persistDir = path.join(dir, "state");
  await mkdir(persistDir, { recursive: true });
  const initialJs = await measureInitialJs();
  await applyMigrations(persistDir);
  await seedRuns(persistDir, runs);
  const adminToken = generateAdminToken();
  const cp = await startControlPlane({ persistDir, adminToken });
  try {
    const timing = await measureRunsPage(cp.url, adminToken, opts.samples ?? 10);
    return { initialJs, runsPage: { runsStored: runs, ...timing } };
  } finally {
    await cp.stop();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Table rows in bench/index.ts's [label, value] form. */
export function uiRows(ui: UiBench): [string, string][] {
  const { initialJs, runsPage } = ui;
  return [
    [
      "dashboard initial JS, gzipped",
      `${kb(initialJs.gzipBytes)} (${kb(initialJs.rawBytes)} raw; target ≤ 60 KB) + CSS ${kb(initialJs.cssGzipBytes)}`,
    ],
    [
      `runs page shown, ${runsPage.runsStored.toLocaleString("en")} runs stored`,
      `first ${runsPage.first.toFixed(0)} ms, then p50 ${runsPage.warm.p50.toFixed(0)} ms / max ${runsPage.warm.max.toFixed(0)} ms (target ≤ 1 s)`,
    ],
  ];
}
