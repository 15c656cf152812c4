/**
 * Debian's Chromium driven by playwright-core (TOOLCHAIN.md): a persistent context in a fresh
 * directory, headless, with the flags that keep it quiet and offline. Every dialog the page opens
 * is recorded (and dismissed), so a test can prove no script ran.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "../../../scripts/lib/local-stack";

export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results/browser");

export type Browser = {
  context: BrowserContext;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  screenshot: (name: string) => Promise<string>;
  close: () => Promise<void>;
};

function chromiumPath(): string {
  const found = execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
    encoding: "utf8",
  }).trim();
  if (!found) throw new Error("Chromium is not installed: apt-get install -y chromium");
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    dialogs,
    pageErrors,
    screenshot: async (name) => {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
