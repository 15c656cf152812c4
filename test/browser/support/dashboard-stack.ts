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
import { afterAll, afterEach, beforeAll } from "vitest";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  registerCodeLocation,
  startControlPlane,
  stopStack,
} from "../../../scripts/lib/local-stack";
import { DEMO_LOCATION_FILE, startCodeLocation, startTogether } from "../../support/e2e-stack";
import { freePort } from "../../support/free-port";
import { migratedD1 } from "../../support/provided";
import { type Browser, launchBrowser } from "./chromium";

export type DashboardStack = {
  /** The stack's temporary directory; the code location's data dir is `<dir>/<location name>`. */
  dir: string;
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

export type DashboardStackOptions = {
  /** INSTANCE_CONFIG for the control plane. */
  instanceConfig?: unknown;
  /**
   * Run the daemon on demand: `GET /__scheduled` runs scheduled(), and PUBLIC_URL is set (on a
   * port picked up front) so the daemon can launch runs.
   */
  daemon?: boolean;
  /** The code location to serve instead of the demo's. */
  location?: { name: string; file: string };
};

export async function startDashboardStack(options: DashboardStackOptions = {}): Promise<DashboardStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-browser-"));
  const adminToken = generateAdminToken();
  const port = options.daemon ? await freePort() : 0;
  const vars: Record<string, string> = {};
  if (options.daemon) vars.PUBLIC_URL = `http://127.0.0.1:${port}`;
  if (options.instanceConfig !== undefined) vars.INSTANCE_CONFIG = JSON.stringify(options.instanceConfig);
  const served = options.location ?? { name: "demo", file: DEMO_LOCATION_FILE };
  const stopStarted = async ([cp, server, chromium]: [ControlPlane?, CodeLocationServer?, Browser?]) => {
    await chromium?.close().catch(() => {});
    await stopStack([server], cp);
    await rm(dir, { recursive: true, force: true });
  };
  const [controlPlane, location, browser] = await startTogether<[ControlPlane, CodeLocationServer, Browser]>(
    [
      startControlPlane({
        persistDir: path.join(dir, "state"),
        migratedFrom: migratedD1(),
        adminToken,
        port,
        vars,
        testScheduled: options.daemon ?? false,
      }),
      startCodeLocation({ ...served, dataDir: path.join(dir, served.name) }),
      launchBrowser(),
    ],
    stopStarted,
  );
  const registered = await registerCodeLocation(controlPlane, location).catch((error: unknown) => ({
    status: "ERROR",
    load_error: String(error),
  }));
  if (registered.status !== "LOADED") {
    await stopStarted([controlPlane, location, browser]);
    throw new Error(`${served.name} location did not load: ${registered.load_error}`);
  }
  const { page } = browser;
  const open = async (p: string) => {
    await page.goto(new URL(p, controlPlane.url).toString());
  };
  return {
    dir,
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
      await stopStack([location], controlPlane);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The preamble of a browser test file: starts the file's dashboard stack in a beforeAll, takes a
 * screenshot of the page when a test fails (test-results/browser/FAILED-<test>.png), and tears
 * the stack down in an afterAll. What it returns reads the started stack, so use it in a test or a
 * hook; a file's own hooks, registered after this call, run after the stack starts and (Vitest
 * runs after-hooks in reverse) before the screenshot and the teardown.
 */
export function useDashboardStack(options: DashboardStackOptions = {}): Omit<DashboardStack, "teardown"> {
  let started: DashboardStack | undefined;
  const current = () => {
    if (!started) throw new Error("the dashboard stack starts in beforeAll: use it in a test or a hook");
    return started;
  };
  beforeAll(async () => {
    started = await startDashboardStack(options);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail" || !started) return;
    // What the page still waited for tells a stalled server (requests listed) from a stalled page (none).
    const waiting = started.browser.requestsInFlight();
    console.error(`"${ctx.task.name}" failed; the page's requests in flight: ${waiting.join("; ") || "none"}`);
    // And whether the server saw them: wrangler prints a line per request it answered.
    const serverLog = started.controlPlane.log().split("\n").slice(-40).join("\n");
    console.error(`the control plane's last lines:\n${serverLog}`);
    // A page that stopped answering must not hold the file for another navigation timeout.
    const name = `FAILED-${ctx.task.name.slice(0, 60).replace(/\W+/g, "-")}`;
    await started.browser.screenshot(name, { timeoutMs: 15_000 }).catch((error: unknown) => {
      console.error(`no screenshot of the failed page: ${String(error)}`);
    });
  });
  afterAll(async () => {
    await started?.teardown();
  });
  return {
    get dir() {
      return current().dir;
    },
    get controlPlane() {
      return current().controlPlane;
    },
    get location() {
      return current().location;
    },
    get adminToken() {
      return current().adminToken;
    },
    get browser() {
      return current().browser;
    },
    get page() {
      return current().page;
    },
    open: (pathAndQuery) => current().open(pathAndQuery),
    signIn: () => current().signIn(),
  };
}
