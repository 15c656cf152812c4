/**
 * The schedules and sensors pages in Chromium against the real control plane and the demo code
 * location (issue 6): the demo's schedule in words with its next ticks, started and stopped from
 * the page; the demo's file sensor with its status.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, startDashboardStack } from "./support/dashboard-stack";

let s: DashboardStack;
beforeAll(async () => {
  s = await startDashboardStack();
});
afterAll(async () => {
  await s?.teardown();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail")
    await s?.browser.screenshot(`FAILED-${ctx.task.name.slice(0, 60).replace(/\W+/g, "-")}`);
});

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
});
