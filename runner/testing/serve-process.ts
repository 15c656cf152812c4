/**
 * Starts `flightdeck serve` as a real child process for integration tests, reads the port from
 * its "serving" line, and sends it Standard Webhooks-signed requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateSecret, signWebhook } from "../../protocol";

const REPO = resolve(import.meta.dirname, "..", "..");
export const DEMO_LOCATION = join(REPO, "examples", "demo", "location.ts");

export interface ServeProcess {
  readonly url: string;
  readonly secret: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  request(
    method: string,
    path: string,
    body?: unknown,
    /** Sign with another secret or time, or for another method and path than the request's. */
    options?: { secret?: string; nowSeconds?: number; method?: string; path?: string },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startServe(
  options: { file?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<ServeProcess> {
  const secret = generateSecret();
  const dataDir = mkdtempSync(join(tmpdir(), "flightdeck-serve-"));
  const file = options.file ?? DEMO_LOCATION;
  const child = spawn(
    process.execPath,
    [
      // The CLI from source, as this repository runs it (the package's bin runs the built dist/).
      "--import",
      "tsx",
      join(REPO, "runner", "cli.ts"),
      "serve",
      file,
      "--port",
      "0",
      "--data-dir",
      dataDir,
      ...(options.args ?? []),
    ],
    {
      cwd: REPO,
      env: { ...process.env, FLIGHTDECK_WEBHOOK_SECRET: secret, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^flightdeck: serving .+ at (http:\/\/\S+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    secret,
    dataDir,
    child,
    output: () => output,
    async request(method, path, body, signing = {}) {
      const text = body === undefined ? "" : JSON.stringify(body);
      const headers = await signWebhook(
        signing.secret ?? secret,
        { method: signing.method ?? method, path: signing.path ?? path, body: text },
        signing.nowSeconds ? { nowSeconds: signing.nowSeconds } : {},
      );
      return fetch(`${url}${path}`, {
        method,
        headers: { ...headers, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: text }),
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
