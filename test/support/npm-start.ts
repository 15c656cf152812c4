/**
 * The local stack started exactly as `npm start` starts it: `scripts/start.ts` itself, as a
 * child process, with only its documented flags (free ports, a temporary --state-dir). What a test
 * needs to know it reads from what start.ts prints, as a user would.
 */
import path from "node:path";
import { FlightdeckClient } from "../../scripts/lib/api-client";
import { freePort } from "../../scripts/lib/free-port";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { type Spawned, spawnGroup, waitForOutput } from "../../scripts/lib/processes";

export type NpmStart = {
  url: string;
  adminToken: string;
  /** The demo sensor's inbox, as printed. */
  demoInbox: string;
  /** The URL that runs one daemon iteration by hand, as printed. */
  oneIterationUrl: string;
  client: FlightdeckClient;
  process: Spawned;
  stop: () => Promise<void>;
};

export async function startAsNpmStart(stateDir: string): Promise<NpmStart> {
  const [port, locationPort] = [await freePort(), await freePort()];
  const args = ["--import", "tsx", path.join(REPO_ROOT, "scripts/start.ts")];
  args.push("--port", String(port), "--location-port", String(locationPort), "--state-dir", stateDir);
  const proc = spawnGroup(process.execPath, args, { cwd: REPO_ROOT });
  try {
    await waitForOutput(proc, /Press Ctrl-C to stop everything/, 240_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const field = (label: string) => {
    const value = proc.output().match(new RegExp(`^\\s*${label}:\\s+(\\S+)`, "m"))?.[1];
    if (!value) throw new Error(`npm start printed no "${label}:"\n${proc.output()}`);
    return value;
  };
  const url = field("Dashboard");
  const adminToken = field("Admin token");
  return {
    url,
    adminToken,
    demoInbox: field("Demo inbox"),
    oneIterationUrl: proc.output().match(/one iteration now: curl "([^"]+)"/)?.[1] ?? "",
    client: new FlightdeckClient(url, adminToken),
    process: proc,
    stop: () => proc.stop(),
  };
}
