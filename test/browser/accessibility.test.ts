/**
 * Every page of the dashboard, in Chromium against the real control plane with real runs (ended,
 * failed, started and queued): no serious or critical axe-core violation, a tab title of its own,
 * and no sideways scrolling on a phone (390×844). Screenshots of every page at 1440×900 and
 * 390×844 go to test-results/browser/. A file of its own so it runs beside for-people.test.ts.
 */

import { beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../protocol/run";
import { seriousViolations, settled } from "./support/axe";
import { useDashboardStack } from "./support/dashboard-stack";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const s = useDashboardStack({ instanceConfig: { run_coordinator: { type: "queued", max_concurrent_runs: 1 } } });

const client = () => s.controlPlane.client;
const sleepy = () =>
  client().submitRun({ location: "demo", job: "sleepy", run_config: { ops: { nap: { config: { seconds: 900 } } } } });

describe("every page of the dashboard", () => {
  let done: Run;
  let failed: Run;

  beforeAll(async () => {
    done = await client().submitRun({ location: "demo", job: "diamond" });
    await client().waitForRun(done.id, { statuses: ["SUCCESS"], timeoutMs: 60_000 });
    failed = await client().submitRun({ location: "demo", job: "fails" });
    await client().waitForRun(failed.id, { statuses: ["FAILURE"], timeoutMs: 60_000 });
    const holder = await sleepy();
    await client().waitForRun(holder.id, { statuses: ["STARTED"], timeoutMs: 60_000 });
    await sleepy(); // queued behind the holder: the queue page has a waiting run
    await s.open("/");
    await s.signIn();
  });

  // A test per page, not one for all of them: forty page loads with axe take minutes on a loaded machine.
  const pages: [name: string, path: () => string][] = [
    ["overview", () => "/"],
    ["runs", () => "/runs"],
    ["runs-timeline", () => "/runs?view=timeline"],
    ["run", () => `/runs/${done.id}`],
    ["run-failed", () => `/runs/${failed.id}`],
    ["queue", () => "/queue"],
    ["jobs", () => "/jobs"],
    ["job", () => "/jobs/demo/diamond"],
    ["launchpad", () => "/jobs/demo/greet/launchpad"],
    ["launchpad-from-run", () => `/jobs/demo/diamond/launchpad?from_run=${done.id}`],
    ["schedules", () => "/schedules"],
    ["sensors", () => "/sensors"],
    ["schedule", () => "/schedules/demo/greet_weekdays"],
    ["sensor", () => "/sensors/demo/new_files"],
    ["locations", () => "/locations"],
    ["agents", () => "/agents"],
    ["pools", () => "/pools"],
    ["instance", () => "/instance"],
    ["tokens", () => "/tokens"],
    ["audit", () => "/audit"],
    ["not-found", () => "/no/such/page"],
  ];
  it.each(pages)(
    "the %s page passes axe-core with no serious or critical violation, is titled, and fits a phone",
    async (name, pathOf) => {
      const { page } = s;
      const path = pathOf();
      const problems: string[] = [];
      // Restored in a finally, so a failure here leaves the next tests at desktop size.
      try {
        for (const size of [DESKTOP, PHONE]) {
          await page.setViewportSize(size);
          const label = size === DESKTOP ? "desktop" : "phone";
          await s.open(path);
          await settled(page);
          for (const v of await seriousViolations(page)) problems.push(`${path} (${label}): ${v}`);
          const title = await page.title();
          if (!/^.+ · Flightdeck$/.test(title)) problems.push(`${path}: tab titled "${title}"`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) problems.push(`${path} (${label}): ${overflow} px wider than the screen`);
          await s.browser.screenshot(`people-${name}-${label}`);
        }
      } finally {
        await page.setViewportSize(DESKTOP);
      }
      expect(problems).toEqual([]);
    },
  );
});
