/**
 * The stack of the automation e2e files (schedules, sensors): a control plane whose daemon runs
 * on demand — `wrangler dev --test-scheduled`, GET /__scheduled runs scheduled() as the one-minute
 * Cron Trigger would — and a real code location server of test/e2e/fixtures/automation-location.ts.
 * One per file, in a fresh temporary directory, so the files run side by side.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Run, RunListSchema } from "../../protocol";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  REPO_ROOT,
  registerCodeLocation,
  stopStack,
} from "../../scripts/lib/local-stack";
import { startCodeLocation, startScheduledControlPlane, startTogether } from "./e2e-stack";

export type AutomationStack = {
  /** The control plane; only inside a test or a hook. */
  readonly controlPlane: ControlPlane;
  /** An admin request to the API, its JSON reply; throws on a non-2xx reply. */
  api: (pathAndQuery: string, method?: string) => Promise<unknown>;
  /** The runs with the tag `key=value`. */
  runsTagged: (tag: string) => Promise<Run[]>;
};

/** Starts the file's stack in a beforeAll and stops it in an afterAll. */
export function useAutomationStack(): AutomationStack {
  const adminToken = generateAdminToken();
  let dir = "";
  let started: [ControlPlane, CodeLocationServer] | undefined;
  const controlPlane = () => {
    if (!started) throw new Error("the automation stack starts in beforeAll: use it in a test or a hook");
    return started[0];
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-automation-"));
    started = await startTogether<[ControlPlane, CodeLocationServer]>(
      [
        startScheduledControlPlane({
          persistDir: path.join(dir, "state"),
          adminToken,
          instanceConfig: { run_coordinator: { type: "default" } },
        }),
        startCodeLocation({
          name: "automation",
          file: path.join(REPO_ROOT, "test/e2e/fixtures/automation-location.ts"),
          dataDir: path.join(dir, "automation"),
        }),
      ],
      ([cp, server]) => stopStack([server], cp),
    );
    const registered = await registerCodeLocation(...started);
    if (registered.status !== "LOADED") throw new Error(`automation location did not load: ${registered.load_error}`);
  });
  afterAll(async () => {
    if (started) await stopStack([started[1]], started[0]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const api = async (pathAndQuery: string, method = "GET") => {
    const res = await fetch(`${controlPlane().url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    if (!res.ok) throw new Error(`${method} ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    get controlPlane() {
      return controlPlane();
    },
    api,
    runsTagged: async (tag) =>
      RunListSchema.parse(await api(`/api/runs?tag=${encodeURIComponent(tag)}&limit=100`)).runs,
  };
}
