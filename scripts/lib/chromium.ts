/**
 * Debian's Chromium driven by playwright-core (TOOLCHAIN.md): a persistent context in a fresh
 * directory, headless, with the flags that keep it quiet and offline. Shared by the browser tests
 * and the dashboard benchmark, so both drive the same browser the same way.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export type LaunchedChromium = { context: BrowserContext; page: Page; close: () => Promise<void> };

function chromiumPath(): string {
  const found = execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser || true"], {
    encoding: "utf8",
  }).trim();
  if (!found) throw new Error("Chromium is not installed: apt-get install -y chromium");
  return found;
}

export async function launchChromium(): Promise<LaunchedChromium> {
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
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
