/**
 * The bench's floor servers, what a figure is set beside in the same run: a floor Worker
 * (bench/floors/*.wrangler.toml) under `wrangler dev` on a free port with its own local state, and
 * a bare local HTTP server.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { REPO_ROOT } from "../scripts/lib/local-stack";
import { spawnGroup, waitForOutput } from "../scripts/lib/processes";

export type FloorWorker = { url: string; stop: () => Promise<void> };

/** `config`: the wrangler config's path from the repository's root. */
export async function startFloorWorker(config: string, persistDir: string): Promise<FloorWorker> {
  const env = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };
  const proc = spawnGroup(
    path.join(REPO_ROOT, "node_modules/.bin/wrangler"),
    [
      "dev",
      "-c",
      path.join(REPO_ROOT, config),
      "--ip",
      "127.0.0.1",
      "--port",
      "0",
      "--inspector-port",
      "0",
      "--persist-to",
      persistDir,
    ],
    { cwd: REPO_ROOT, env },
  );
  try {
    const [, url] = await waitForOutput(proc, /Ready on (http:\/\/[\d.]+:\d+)/);
    if (!url) throw new Error(`${config}: wrangler dev printed no URL`);
    return { url, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** A local HTTP server that answers every POST at once: the floor of the launch request. */
export async function startHttpFloorServer(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}
