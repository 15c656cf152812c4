/**
 * `npm start`: the whole of Flightdeck on this machine, as it runs on Cloudflare. Builds the
 * dashboard, applies the D1 migrations to local storage, starts the control plane under `wrangler
 * dev` with PUBLIC_URL set to its local URL, fires wrangler.toml's Cron Triggers on their schedule
 * (wrangler dev never does; cron-triggers.ts), starts the demo code location server from
 * examples/ and registers it, then prints the dashboard URL and a local admin token. Ctrl-C stops
 * all of it; the data stays in the state dir for next time.
 *
 * Flags: --port <n> (control plane, default 8787; 0 picks a free one), --location-port <n>
 * (default 4000), --state-dir <dir> (default .flightdeck/dev).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateSecret } from "../protocol";
import { type CronTriggers, readCronTriggers, startCronTriggers } from "./lib/cron-triggers";
import { buildDashboard } from "./lib/dashboard-build";
import { freePort } from "./lib/free-port";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  REPO_ROOT,
  registerCodeLocation,
  startCodeLocation,
  startControlPlane,
  stopStack,
} from "./lib/local-stack";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "location-port": { type: "string", default: "4000" },
    "state-dir": { type: "string", default: path.join(REPO_ROOT, ".flightdeck/dev") },
  },
});

const devDir = path.resolve(values["state-dir"]);
/** The demo's `new_files` sensor launches one greet run per file dropped here. */
const demoInbox = path.join(devDir, "demo-inbox");

/** The admin token and location secret are kept, so a token pasted yesterday still works today. */
async function readOrCreate(file: string, make: () => string): Promise<string> {
  const full = path.join(devDir, file);
  if (existsSync(full)) return (await readFile(full, "utf8")).trim();
  const value = make();
  await writeFile(full, `${value}\n`, { mode: 0o600 });
  return value;
}

const crons = readCronTriggers(readFileSync(path.join(REPO_ROOT, "wrangler.toml"), "utf8"));
const ONE_ITERATION = `/__scheduled?cron=${encodeURIComponent(crons[0] ?? "* * * * *")}`;

async function main() {
  await mkdir(demoInbox, { recursive: true });
  const adminToken = await readOrCreate("admin-token", generateAdminToken);
  const secret = await readOrCreate("demo-location-secret", generateSecret);

  console.log("flightdeck: building the dashboard…");
  await buildDashboard();

  let controlPlane: ControlPlane | undefined;
  let location: CodeLocationServer | undefined;
  let cronTriggers: CronTriggers | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nflightdeck: stopping…");
    cronTriggers?.stop();
    await stopStack([location], controlPlane);
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    console.log("flightdeck: applying migrations and starting the control plane…");
    // The port is fixed before the Worker starts: it is part of PUBLIC_URL, where run workers
    // post events (the daemon, running outside any request, knows no other way).
    const port = Number(values.port) || (await freePort());
    controlPlane = await startControlPlane({
      persistDir: path.join(devDir, "state"),
      adminToken,
      port,
      vars: { PUBLIC_URL: `http://127.0.0.1:${port}` },
      testScheduled: true,
      echoPrefix: "[control-plane]",
    });
    console.log("flightdeck: starting the demo code location (examples/demo/location.ts)…");
    location = await startCodeLocation({
      name: "demo",
      file: path.join(REPO_ROOT, "examples/demo/location.ts"),
      dataDir: path.join(devDir, "demo"),
      secret,
      port: Number(values["location-port"]),
      env: { FLIGHTDECK_DEMO_INBOX: demoInbox },
      echoPrefix: "[demo]",
    });
    const registered = await registerCodeLocation(controlPlane, location);
    if (registered.status !== "LOADED") {
      throw new Error(`the demo code location did not load:\n${registered.load_error ?? registered.status}`);
    }
    cronTriggers = startCronTriggers(controlPlane.url, crons);
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
      `  Demo inbox:   ${demoInbox}  (the new_files sensor runs greet once per file put here)`,
      `  Daemon:       Cron Trigger ${crons.map((c) => `"${c}"`).join(", ")} fires on time; one iteration now: curl "${controlPlane.url}${ONE_ITERATION}"`,
      "",
      "  Press Ctrl-C to stop everything.",
      "",
    ].join("\n"),
  );
}

await main();
