/**
 * What every browser test file needs: the control plane under `wrangler dev` serving the built
 * dashboard, the demo code location server registered with it, and a Chromium to look at it.
 * Like test/support/e2e-stack.ts, but it keeps the admin token, which the tests type into the
 * sign-in page.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  registerCodeLocation,
  startCodeLocation,
  startControlPlane,
} from "../../../scripts/lib/local-stack";
import { DEMO_LOCATION_FILE } from "../../support/e2e-stack";
import { type Browser, launchBrowser } from "./chromium";

export type DashboardStack = {
  controlPlane: ControlPlane;
  location: CodeLocationServer;
  adminToken: string;
  browser: Browser;
  page: Page;
  /** Opens `path` on the dashboard (signing in first when asked to). */
  open: (pathAndQuery: string) => Promise<void>;
  signIn: () => Promise<void>;
  teardown: () => Promise<void>;
};

export async function startDashboardStack(): Promise<DashboardStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-browser-"));
  const adminToken = generateAdminToken();
  const controlPlane = await startControlPlane({ persistDir: path.join(dir, "state"), adminToken });
  const location = await startCodeLocation({ name: "demo", file: DEMO_LOCATION_FILE, dataDir: path.join(dir, "demo") });
  const registered = await registerCodeLocation(controlPlane, location);
  if (registered.status !== "LOADED") throw new Error(`demo location did not load: ${registered.load_error}`);
  const browser = await launchBrowser();
  const { page } = browser;
  const open = async (p: string) => {
    await page.goto(new URL(p, controlPlane.url).toString());
  };
  return {
    controlPlane,
    location,
    adminToken,
    browser,
    page,
    open,
    signIn: async () => {
      await page.getByTestId("sign-in-token").fill(adminToken);
      await page.getByTestId("sign-in-submit").click();
      await page.getByTestId("sign-out").waitFor();
    },
    teardown: async () => {
      await browser.close().catch(() => {});
      await Promise.allSettled([location.stop(), controlPlane.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
