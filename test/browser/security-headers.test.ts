/**
 * The dashboard under its Content-Security-Policy, in Chromium against `wrangler dev`: the page
 * and its assets carry the headers, and signing in and walking every page raises no CSP
 * violation — the policy is strict without breaking the dashboard.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../protocol/security-headers";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack();
const violations: string[] = [];
beforeAll(() => {
  s.page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
});

describe("the dashboard's security headers", () => {
  it("serves every page under the policy with no violation", async () => {
    const res = await fetch(`${s.controlPlane.url}/runs`);
    await res.text();
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    await s.open("/");
    await s.signIn();
    for (const path of [
      "/runs",
      "/jobs",
      "/queue",
      "/schedules",
      "/sensors",
      "/locations",
      "/pools",
      "/instance",
      "/",
    ]) {
      await s.open(path);
      await s.page.locator("main").waitFor();
      // Every resource the page loads has loaded (and been checked against the policy). Not
      // "networkidle": the live pages poll, and on a loaded machine their requests never leave
      // it half a second of quiet.
      await s.page.waitForLoadState("load");
    }
    await s.open("/jobs/demo/diamond");
    await s.page.locator("main").waitFor();
    await s.page.waitForLoadState("load");
    expect(violations).toEqual([]);
  });
});
