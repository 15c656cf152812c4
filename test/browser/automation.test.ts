/**
 * The schedules and sensors pages in Chromium against the real control plane and the demo code
 * location (issue 6): the demo's schedule in words with its next ticks, started and stopped from
 * the page; the demo's file sensor with its status. Each one's own page: "Test" evaluates through
 * the real code location and shows the run requests with nothing launched; a sensor's cursor is
 * set, tested with and reset; ticks on the timeline; at desktop and phone sizes.
 */
import { describe, expect, it } from "vitest";
import { RunListSchema, SensorReplySchema } from "../../protocol";
import { runScheduled } from "../support/e2e-stack";
import { useDashboardStack } from "./support/dashboard-stack";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

// The daemon on demand (GET /__scheduled), so the sensor's ticks come from real daemon passes.
const s = useDashboardStack({ daemon: true });

describe("automation pages", () => {
  it("shows the demo schedule in words with its next ticks, and starts and stops it", async () => {
    const { page } = s;
    await s.open("/schedules");
    await s.signIn();
    const card = page.locator('[data-testid="schedule-row"][data-schedule="greet_weekdays"]');
    await card.waitFor();
    expect(await card.getByTestId("schedule-words").textContent()).toContain("every weekday at 09:00");
    expect(await card.getByTestId("schedule-next").locator("time").count()).toBe(3);
    expect(await card.getByTestId("instigator-status").textContent()).toContain("Stopped");
    await card.getByTestId("instigator-toggle").click();
    await card.getByTestId("instigator-status").filter({ hasText: "Running" }).waitFor();
    await s.browser.screenshot("schedules");
    await card.getByTestId("instigator-toggle").click();
    await card.getByTestId("instigator-status").filter({ hasText: "Stopped" }).waitFor();
    await card.getByTestId("schedule-ticks").click();
    await card.getByText("No ticks yet.").waitFor();
  });

  it("lists the demo's file sensor as running, from the nav", async () => {
    const { page } = s;
    await page.getByTestId("nav-sensors").click();
    const card = page.locator('[data-testid="sensor-row"][data-sensor="new_files"]');
    await card.waitFor();
    expect(await card.getByTestId("instigator-status").textContent()).toContain("Running");
    await s.browser.screenshot("sensors");
  });

  it("tests a schedule's next tick from its page: the run request it would make, with nothing launched", async () => {
    const { page } = s;
    await s.open("/schedules");
    await page.getByTestId("schedule-link").filter({ hasText: "greet_weekdays" }).click();
    await page.getByTestId("schedule-page").waitFor();
    expect(await page.title()).toBe("greet_weekdays · Schedules · Flightdeck");
    await page.getByTestId("instigator-runs-empty").waitFor();
    await page.getByTestId("test-evaluate").click();
    const request = page.getByTestId("test-request");
    await request.waitFor();
    expect(await request.count()).toBe(1);
    expect(await request.textContent()).toContain("greet");
    expect(await request.locator("pre").textContent()).toContain('"name": "team"');
    await s.browser.screenshot("schedule-test-desktop");
    await page.setViewportSize(PHONE);
    try {
      await page.getByTestId("test-requests").scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await s.browser.screenshot("schedule-test-phone");
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    const { runs } = await s.controlPlane.client.request(
      "GET",
      "/api/runs?tag=flightdeck/schedule=greet_weekdays",
      RunListSchema,
    );
    expect(runs).toEqual([]);
  });

  it("sets a sensor's cursor, tests with it, resets it, and shows its ticks on a timeline", async () => {
    const { page } = s;
    await runScheduled(s.controlPlane);
    await s.open("/sensors/demo/new_files");
    await page.getByTestId("sensor-page").waitFor();
    // The daemon pass above evaluated the running sensor once: the demo inbox does not exist, so it skipped.
    await page.locator('[data-testid="tick-mark"][data-status="SKIPPED"]').first().waitFor({ state: "attached" });
    expect(await page.getByTestId("tick-timeline").locator("figcaption").textContent()).toMatch(/skipped/);

    await page.getByTestId("cursor-edit").click();
    await page.getByTestId("cursor-input").fill("inbox-2026-12-01");
    await page.getByTestId("cursor-input").press("Enter");
    await page.getByTestId("sensor-cursor").filter({ hasText: "inbox-2026-12-01" }).waitFor();

    // Test prefills the stored cursor; the demo's sensor skips and leaves the cursor as it was.
    expect(await page.getByTestId("test-cursor").inputValue()).toBe("inbox-2026-12-01");
    await page.getByTestId("test-evaluate").click();
    await page.getByTestId("test-skip").waitFor();
    expect(await page.getByTestId("test-cursor-result").textContent()).toContain("inbox-2026-12-01 (unchanged)");
    await s.browser.screenshot("sensor-page-desktop");
    await page.setViewportSize(PHONE);
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await s.browser.screenshot("sensor-page-phone");
    } finally {
      await page.setViewportSize(DESKTOP);
    }

    await page.getByTestId("cursor-reset").click();
    await page.getByTestId("sensor-cursor").filter({ hasText: "—" }).waitFor();
    const { sensor } = await s.controlPlane.client.request("GET", "/api/sensors/new_files", SensorReplySchema);
    expect(sensor.cursor).toBeNull();
  });

  it("says so when a schedule does not exist, and stops asking", async () => {
    const { page } = s;
    await s.open("/schedules/demo/no_such_schedule");
    await page.getByTestId("schedule-not-found").waitFor();
  });
});
