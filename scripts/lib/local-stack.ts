/**
 * A whole Flightdeck on this machine: the control plane under `wrangler dev` with local D1, and
 * code location servers started with `flightdeck serve`. Used by `npm start`, the end-to-end
 * tests and `npm run bench`, so all three exercise the same real parts.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSecret } from "../../protocol";
import { FlightdeckClient } from "./api-client";
import { runToCompletion, type Spawned, spawnGroup, waitForOutput } from "./processes";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(REPO_ROOT, "node_modules/.bin");
const D1_NAME = "flightdeck";
/** Where wrangler and miniflare keep local storage (D1, Durable Objects) inside a persist dir. */
const STORAGE_DIR = "v3";

const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

export function generateAdminToken(): string {
  return `fd_admin_${randomBytes(24).toString("base64url")}`;
}

export type ControlPlaneOptions = {
  /** Local D1 and Durable Object storage; the same directory across restarts keeps the data. */
  persistDir: string;
  adminToken: string;
  /** 0 picks a free port; a restart reuses the port it got. */
  port?: number;
  /** Extra `[vars]`, e.g. INSTANCE_CONFIG. */
  vars?: Record<string, string>;
  /**
   * A persist dir whose local D1 has every migration applied (`applyMigrations`): its storage is
   * copied into a new `persistDir` instead of migrating it again, which starts wrangler once more.
   * The tests migrate one such dir per run; `npm start` and the bench migrate their own.
   */
  migratedFrom?: string;
  /** `--test-scheduled`: `GET /__scheduled` runs the daemon's scheduled() (wrangler dev never fires crons itself). */
  testScheduled?: boolean;
  echoPrefix?: string;
};

export type ControlPlane = {
  url: string;
  port: number;
  client: FlightdeckClient;
  /** Stops the Worker; storage stays in persistDir. */
  stop: () => Promise<void>;
  /** Starts it again on the same port and storage. */
  start: () => Promise<void>;
  /** What `wrangler dev` printed since it last started (a line per request it answered). */
  log: () => string;
};

export async function applyMigrations(persistDir: string): Promise<void> {
  await mkdir(persistDir, { recursive: true });
  await runToCompletion(
    path.join(BIN, "wrangler"),
    ["d1", "migrations", "apply", D1_NAME, "--local", "--persist-to", persistDir],
    { cwd: REPO_ROOT, env: { ...QUIET_WRANGLER_ENV, CI: "true" } },
  );
}

/** Copies a migrated persist dir's storage into `persistDir`, which must hold none yet (then it is migrated instead). */
async function copyMigratedState(from: string, persistDir: string): Promise<void> {
  const storage = path.join(persistDir, STORAGE_DIR);
  if (existsSync(storage)) return applyMigrations(persistDir);
  await mkdir(persistDir, { recursive: true });
  await cp(path.join(from, STORAGE_DIR), storage, { recursive: true, errorOnExist: true, force: false });
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  if (opts.migratedFrom === undefined) await applyMigrations(opts.persistDir);
  else await copyMigratedState(opts.migratedFrom, opts.persistDir);
  let port = opts.port ?? 0;
  let proc: Spawned | undefined;
  // The admin token goes to wrangler in a file only this user can read, never on the command
  // line, where every local user could read it with `ps`. The other vars are not secrets.
  const secretsFile = path.join(opts.persistDir, "admin.env");
  await writeFile(secretsFile, `ADMIN_TOKEN=${opts.adminToken}\n`, { mode: 0o600 });
  await chmod(secretsFile, 0o600);
  const start = async () => {
    const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0"];
    args.push("--persist-to", opts.persistDir, "--show-interactive-dev-session=false");
    args.push("--env-file", secretsFile);
    if (opts.testScheduled) args.push("--test-scheduled");
    for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
    proc = spawnGroup(path.join(BIN, "wrangler"), args, {
      cwd: REPO_ROOT,
      env: QUIET_WRANGLER_ENV,
      echoPrefix: opts.echoPrefix,
    });
    const match = await waitForOutput(proc, /Ready on (http:\/\/[\d.]+:(\d+))/);
    port = Number(match[2]);
  };
  await start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    client: new FlightdeckClient(url, opts.adminToken),
    stop: async () => {
      await proc?.stop();
      proc = undefined;
    },
    start,
    log: () => proc?.output() ?? "",
  };
}

export type CodeLocationServer = {
  name: string;
  url: string;
  secret: string;
  process: Spawned;
  stop: () => Promise<void>;
};

export async function startCodeLocation(opts: {
  name: string;
  file: string;
  dataDir: string;
  secret?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  echoPrefix?: string;
  /**
   * The `flightdeck` CLI compiled to JavaScript (compiled-runner.ts), run by Node as it is; by
   * default runner/cli.ts from source under tsx.
   */
  cli?: string;
}): Promise<CodeLocationServer> {
  const secret = opts.secret ?? generateSecret();
  // `flightdeck` from source: the package's bin runs the built dist/, which the repo needs not build.
  const cli = opts.cli === undefined ? ["--import", "tsx", path.join(REPO_ROOT, "runner/cli.ts")] : [opts.cli];
  const proc = spawnGroup(
    process.execPath,
    [...cli, "serve", opts.file, "--host", "127.0.0.1", "--port", String(opts.port ?? 0), "--data-dir", opts.dataDir],
    { cwd: REPO_ROOT, env: { ...opts.env, FLIGHTDECK_WEBHOOK_SECRET: secret }, echoPrefix: opts.echoPrefix },
  );
  const match = await waitForOutput(proc, /flightdeck: serving .* at (http:\/\/[^\s]+)/);
  const url = match[1] ?? "";
  return { name: opts.name, url, secret, process: proc, stop: () => proc.stop() };
}

/** Registers (or re-registers) a running code location server with the control plane. */
export async function registerCodeLocation(controlPlane: ControlPlane, location: CodeLocationServer) {
  return controlPlane.client.putCodeLocation({ name: location.name, url: location.url, secret: location.secret });
}

/**
 * Stops code location servers first, then the control plane: a server that stops terminates its
 * run workers, and they report RUN_CANCELED while the control plane still listens, instead of
 * retrying against a closed port until their flush gives up.
 */
export async function stopStack(
  locations: readonly (CodeLocationServer | undefined)[],
  controlPlane: ControlPlane | undefined,
): Promise<void> {
  // Settled, not awaited: one that fails to stop must not keep the others running.
  await Promise.allSettled(locations.map((location) => location?.stop()));
  await Promise.allSettled([controlPlane?.stop()]);
}
