/**
 * The run page's figure for `npm run bench`: a run with 10,000 events in its log (20 steps, each
 * started and finished, the rest INFO log lines) opens to its first screen — the step chart and
 * the newest page of the log — in Debian's Chromium, timed from navigation start. Beside it, its
 * floor: the same page for a run of the same 20 steps with almost no log, so the figure shows
 * what the 10,000 events cost. It also counts the events the page fetched, to show it pages the
 * log instead of loading it, and times a step back to the previous page.
 *
 * In bench/index.ts: `rows.push(...runPageRows(await runRunPageBench(dir)))`. On its own (only
 * this case, ui/dist built): `node --import tsx bench/run-page.ts`.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { launchChromium } from "../scripts/lib/chromium";
import { applyMigrations, generateAdminToken, startControlPlane } from "../scripts/lib/local-stack";
import { percentile } from "./stats";
import { executeLocalSql, signInDashboard } from "./ui";

const STEPS = 20;
const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One finished run with `events` events in its log, written straight into the local D1. */
function runWithEvents(id: string, events: number, now: number): string[] {
  const start = now - 600_000;
  const lines = [
    `INSERT INTO runs (id, location, job, status, run_config, tags, priority, attempt, created_at, updated_at, started_at, ended_at) VALUES (${sql(id)}, 'demo', 'noop', 'SUCCESS', '{}', '{}', 0, 1, ${start}, ${now}, ${start}, ${now});`,
  ];
  const logsPerStep = Math.max(0, Math.floor((events - 2 * STEPS) / STEPS));
  const rows: string[] = [];
  let seq = 0;
  let ts = start;
  const add = (type: string, stepKey: string | null, message: string, gap: number) => {
    seq += 1;
    ts += gap;
    rows.push(
      `(${sql(id)}, 1, ${seq}, '${type}', ${ts}, ${stepKey === null ? "NULL" : sql(stepKey)}, 'INFO', ${sql(message)}, NULL)`,
    );
  };
  for (let step = 0; step < STEPS; step++) {
    add("STEP_START", `step_${step}`, "Started.", 10);
    for (let i = 0; i < logsPerStep; i++) add("LOG", `step_${step}`, `step ${step} processed batch ${i}`, 1);
    add("STEP_SUCCESS", `step_${step}`, "Finished.", 10);
  }
  while (seq < events) add("LOG", null, "tail", 1);
  for (let i = 0; i < rows.length; i += 500) {
    lines.push(
      `INSERT INTO event_log (run_id, attempt, seq, type, ts, step_key, level, message, data) VALUES ${rows.slice(i, i + 500).join(",")};`,
    );
  }
  return lines;
}

export type RunPageTiming = { p50: number; max: number; samples: number; eventsFetched: number };
export type RunPageBench = {
  events: number;
  big: RunPageTiming;
  floor: RunPageTiming;
  olderPageMs: number;
};

async function measure(url: string, adminToken: string, runId: string, samples: number) {
  const { page, close } = await launchChromium();
  try {
    await signInDashboard(page, url, adminToken);
    let eventsFetched = 0;
    page.on("response", (res) => {
      if (!/\/api\/runs\/[^/]+\/events\?/.test(res.url())) return;
      void res
        .json()
        .then((body: { events?: unknown[] }) => {
          eventsFetched += body.events?.length ?? 0;
        })
        .catch(() => {});
    });
    const once = async () => {
      await page.goto(`${url}/runs/${runId}`, { waitUntil: "commit" });
      await page.waitForFunction(
        (steps) =>
          document.querySelectorAll('[data-testid="gantt-step"]').length === steps &&
          document.querySelector('[data-testid="event-log"][data-state="ready"] [data-testid="event-row"]') !== null,
        STEPS,
        { polling: "raf", timeout: 30_000 },
      );
      return page.evaluate(() => performance.now());
    };
    const times: number[] = [];
    for (let i = 0; i < samples + 1; i++) times.push(await once());
    const fetchedPerVisit = Math.round(eventsFetched / (samples + 1));
    // Scroll back through the log: one older page, timed from the click to its rows.
    const before = await page.evaluate(() => performance.now());
    const older = page.getByTestId("event-page-older");
    let olderPageMs = Number.NaN;
    if ((await older.count()) > 0 && (await older.isEnabled())) {
      const first = await page.locator('[data-testid="event-row"]').first().textContent();
      await older.click();
      await page.waitForFunction(
        (text) =>
          document.querySelector('[data-testid="event-log"][data-state="ready"] [data-testid="event-row"]')
            ?.textContent !== text,
        first,
        { polling: "raf" },
      );
      olderPageMs = (await page.evaluate(() => performance.now())) - before;
    }
    // The first visit warms the caches; the rest are the samples.
    const warm = times.slice(1);
    return {
      timing: {
        p50: percentile(warm, 50),
        max: Math.max(...warm),
        samples: warm.length,
        eventsFetched: fetchedPerVisit,
      },
      olderPageMs,
    };
  } finally {
    await close();
  }
}

/** The case on its own control plane in `dir` (ui/dist must be built). */
export async function runRunPageBench(
  dir: string,
  opts: { events?: number; samples?: number } = {},
): Promise<RunPageBench> {
  const events = opts.events ?? 10_000;
  const samples = opts.samples ?? 5;
  const persistDir = path.join(dir, "state");
  await mkdir(persistDir, { recursive: true });
  await applyMigrations(persistDir);
  const big = randomUUID();
  const small = randomUUID();
  const now = Date.now();
  await executeLocalSql(persistDir, "seed-events.sql", [
    ...runWithEvents(big, events, now),
    ...runWithEvents(small, 2 * STEPS, now),
  ]);
  const adminToken = generateAdminToken();
  const cp = await startControlPlane({ persistDir, adminToken });
  try {
    const floor = await measure(cp.url, adminToken, small, samples);
    const measured = await measure(cp.url, adminToken, big, samples);
    return { events, big: measured.timing, floor: floor.timing, olderPageMs: measured.olderPageMs };
  } finally {
    await cp.stop();
  }
}

export function runPageRows(b: RunPageBench): [string, string][] {
  const n = b.events.toLocaleString("en");
  return [
    [
      `run page with ${n} events: first screen`,
      `${b.big.p50.toFixed(0)} ms p50 / max ${b.big.max.toFixed(0)} ms (target ≤ 1 s); floor, same ${STEPS} steps and no log: ${b.floor.p50.toFixed(0)} ms`,
    ],
    [
      "  events fetched for it; one older page",
      `${b.big.eventsFetched} of ${n}; ${Number.isNaN(b.olderPageMs) ? "n/a" : `${b.olderPageMs.toFixed(0)} ms`}`,
    ],
  ];
}

// `node --import tsx bench/run-page.ts`: only this case.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-bench-run-page-"));
  try {
    const rows = runPageRows(await runRunPageBench(dir));
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
