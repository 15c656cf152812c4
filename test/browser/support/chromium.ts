/**
 * The browser tests' Chromium (scripts/lib/chromium.ts) with what the tests check: every dialog
 * the page opens is recorded (and dismissed), so a test can prove no script ran; page errors are
 * kept; screenshots go to test-results/browser/.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page, Request } from "playwright-core";
import { launchChromium } from "../../../scripts/lib/chromium";
import { REPO_ROOT } from "../../../scripts/lib/local-stack";

export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results/browser");

export type Browser = {
  context: BrowserContext;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** The page's requests still unanswered, oldest first, each with how long it has waited. */
  requestsInFlight: () => string[];
  screenshot: (name: string, options?: { timeoutMs?: number }) => Promise<string>;
  close: () => Promise<void>;
};

export async function launchBrowser(): Promise<Browser> {
  const { context, page, close } = await launchChromium();
  // Playwright's 30 s default catches a hung page, but on 2 cores shared with two other stacks a
  // page load has taken longer; the test's own timeout (120 s) still catches a hang.
  context.setDefaultNavigationTimeout(90_000);
  context.setDefaultTimeout(90_000);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  const inFlight = new Map<Request, number>();
  page.on("request", (request) => inFlight.set(request, Date.now()));
  page.on("requestfinished", (request) => inFlight.delete(request));
  page.on("requestfailed", (request) => inFlight.delete(request));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    dialogs,
    pageErrors,
    requestsInFlight: () =>
      [...inFlight].map(([request, since]) => `${request.method()} ${request.url()} (${Date.now() - since} ms)`),
    screenshot: async (name, options = {}) => {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: options.timeoutMs });
      return file;
    },
    close,
  };
}
