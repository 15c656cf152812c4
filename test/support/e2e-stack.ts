/**
 * One control plane and one demo code location per test file, in fresh temporary directories,
 * torn down after the file. Real processes, real HTTP both ways.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runAttemptDir } from "../../runner/run-files";
import { WORKER_FILE } from "../../runner/server/worker-record";

import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  REPO_ROOT,
  registerCodeLocation,
  startControlPlane,
  startCodeLocation as startServer,
  stopStack,
} from "../../scripts/lib/local-stack";

import { freePort } from "./free-port";
import { compiledCli, migratedD1 } from "./provided";

export { isProcessAlive } from "../../runner/server/worker-record";

export const DEMO_LOCATION_FILE = path.join(REPO_ROOT, "examples/demo/location.ts");

export type E2EStack = {
  dir: string;
  controlPlane: ControlPlane;
  /** The control plane's admin token, for clients that log in as a user would (the CLI). */
  adminToken: string;
  location: CodeLocationServer;
  teardown: () => Promise<void>;
};

/**
 * `flightdeck serve` as local-stack.ts starts it, but running the runner compiled once for the
 * whole run (stack-artifacts.ts) instead of compiling it again under tsx in every server.
 */
export function startCodeLocation(opts: Omit<Parameters<typeof startServer>[0], "cli">): Promise<CodeLocationServer> {
  return startServer({ ...opts, cli: compiledCli() });
}

export async function startE2EStack(opts: { vars?: Record<string, string>; locationEnv?: NodeJS.ProcessEnv } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-e2e-"));
  const adminToken = generateAdminToken();
  const [controlPlane, location] = await startTogether(
    [
      startControlPlane({
        persistDir: path.join(dir, "state"),
        migratedFrom: migratedD1(),
        adminToken,
        vars: opts.vars,
      }),
      startCodeLocation({
        name: "demo",
        file: DEMO_LOCATION_FILE,
        dataDir: path.join(dir, "demo"),
        env: opts.locationEnv,
      }),
    ],
    async ([started, server]) => {
      await stopStack([server], started);
      await rm(dir, { recursive: true, force: true });
    },
  );
  const registered = await registerCodeLocation(controlPlane, location).catch((error: unknown) => ({
    status: "ERROR",
    load_error: String(error),
  }));
  if (registered.status !== "LOADED") {
    await stopStack([location], controlPlane);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`demo location did not load: ${registered.load_error}`);
  }
  const stack: E2EStack = {
    dir,
    controlPlane,
    adminToken,
    location,
    teardown: async () => {
      // stack.location, not the first server: a test may have swapped in another one.
      await stopStack([stack.location], controlPlane);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/**
 * Starts a stack's parts at once: each start-up mostly waits on its own processes (wrangler
 * bundling and booting workerd, a code location bundling its module, Chromium), and none needs
 * another. If one fails, `stopStarted` gets those that started (undefined for the others), so a
 * failed start leaves nothing running, and the first failure is thrown.
 */
export async function startTogether<T extends readonly unknown[]>(
  starts: { [K in keyof T]: Promise<T[K]> },
  stopStarted: (started: { [K in keyof T]: T[K] | undefined }) => Promise<void>,
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result) => result.status === "rejected");
  const values = settled.map((result) => (result.status === "fulfilled" ? result.value : undefined));
  if (!failed) return values as unknown as T;
  await stopStarted(values as unknown as { [K in keyof T]: T[K] | undefined });
  throw failed.reason;
}

/**
 * A control plane whose daemon is driven as the Cron Trigger would drive it: `--test-scheduled`
 * (GET /__scheduled runs scheduled(); `runScheduled`), on a port chosen first so that PUBLIC_URL,
 * which the daemon launches runs with, can name it.
 */
export async function startScheduledControlPlane(opts: {
  persistDir: string;
  adminToken: string;
  instanceConfig: unknown;
}): Promise<ControlPlane> {
  const port = await freePort();
  return startControlPlane({
    persistDir: opts.persistDir,
    migratedFrom: migratedD1(),
    adminToken: opts.adminToken,
    port,
    testScheduled: true,
    vars: { PUBLIC_URL: `http://127.0.0.1:${port}`, INSTANCE_CONFIG: JSON.stringify(opts.instanceConfig) },
  });
}

/** One daemon iteration, as the one-minute Cron Trigger would run it. */
export async function runScheduled(controlPlane: ControlPlane): Promise<void> {
  const res = await fetch(`${controlPlane.url}/__scheduled?cron=*+*+*+*+*`);
  if (res.status !== 200) throw new Error(`GET /__scheduled: ${res.status} ${await res.text()}`);
  await res.text();
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid of the run worker that took a run's first attempt, from the code location server's run dir; null if none did. */
export function runWorkerPid(locationDataDir: string, runId: string): number | null {
  const file = path.join(runAttemptDir(locationDataDir, runId, 1), WORKER_FILE);
  if (!existsSync(file)) return null;
  const pid: unknown = JSON.parse(readFileSync(file, "utf8")).pid;
  return typeof pid === "number" ? pid : null;
}
