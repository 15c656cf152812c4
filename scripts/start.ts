/**
 * `npm start`: the whole of Flightdeck on this machine. Builds the dashboard, applies the D1
 * migrations to local storage, starts the control plane under `wrangler dev`, starts the demo
 * code location server from examples/ and registers it, then prints the dashboard URL and a
 * local admin token. Ctrl-C stops all of it; the data stays in .flightdeck/dev for next time.
 *
 * Flags: --port <n> (control plane, default 8787), --location-port <n> (default 4000).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateSecret } from "../protocol";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  REPO_ROOT,
  registerCodeLocation,
  startCodeLocation,
  startControlPlane,
} from "./lib/local-stack";
import { runToCompletion } from "./lib/processes";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "location-port": { type: "string", default: "4000" },
  },
});

const devDir = path.join(REPO_ROOT, ".flightdeck/dev");

/** The admin token and location secret are kept, so a token pasted yesterday still works today. */
async function readOrCreate(file: string, make: () => string): Promise<string> {
  const full = path.join(devDir, file);
  if (existsSync(full)) return (await readFile(full, "utf8")).trim();
  const value = make();
  await writeFile(full, `${value}\n`, { mode: 0o600 });
  return value;
}

async function main() {
  await mkdir(devDir, { recursive: true });
  const adminToken = await readOrCreate("admin-token", generateAdminToken);
  const secret = await readOrCreate("demo-location-secret", generateSecret);

  console.log("flightdeck: building the dashboard…");
  await runToCompletion(path.join(REPO_ROOT, "node_modules/.bin/vite"), ["build", "ui", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
  });

  let controlPlane: ControlPlane | undefined;
  let location: CodeLocationServer | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nflightdeck: stopping…");
    await Promise.allSettled([location?.stop(), controlPlane?.stop()]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    console.log("flightdeck: applying migrations and starting the control plane…");
    controlPlane = await startControlPlane({
      persistDir: path.join(devDir, "state"),
      adminToken,
      port: Number(values.port),
      echoPrefix: "[control-plane]",
    });
    console.log("flightdeck: starting the demo code location (examples/demo/location.ts)…");
    location = await startCodeLocation({
      name: "demo",
      file: path.join(REPO_ROOT, "examples/demo/location.ts"),
      dataDir: path.join(devDir, "demo"),
      secret,
      port: Number(values["location-port"]),
      echoPrefix: "[demo]",
    });
    const registered = await registerCodeLocation(controlPlane, location);
    if (registered.status !== "LOADED") {
      throw new Error(`the demo code location did not load:\n${registered.load_error ?? registered.status}`);
    }
  } catch (err) {
    console.error(`flightdeck: could not start: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
    return;
  }

  console.log(
    [
      "",
      "  Flightdeck is running.",
      `  Dashboard:    ${controlPlane.url}`,
      `  Admin token:  ${adminToken}`,
      `  API:          curl -H "Authorization: Bearer ${adminToken}" ${controlPlane.url}/api/jobs`,
      "  Demo jobs:    diamond, fails, sleepy, greet, noop (code location 'demo')",
      "",
      "  Press Ctrl-C to stop everything.",
      "",
    ].join("\n"),
  );
}

await main();
