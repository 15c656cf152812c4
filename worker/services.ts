/**
 * The composition root: builds, per request, the storage handle and the services the handlers
 * call. This is where the coordinator is chosen — the queued coordinator (a later issue) will be
 * picked here from the instance config, and nothing else changes.
 */
import type { Context } from "hono";
import type { EffectiveInstanceConfig } from "../protocol";
import type { WorkspaceDeps } from "./code-locations/workspace";
import type { AppEnv } from "./context";
import { ConfiguredRunCoordinator } from "./coordinator/configured-run-coordinator";
import { DefaultRunCoordinator } from "./coordinator/default-run-coordinator";
import { QueuedRunCoordinator } from "./coordinator/queued-run-coordinator";
import type { RunCoordinatorSeam } from "./coordinator/run-coordinator-seam";
import { instanceConfigFromSaved, loadInstanceConfig } from "./instance/load-instance-config";
import { DEFAULT_LAUNCH_TIMEOUT_MS, HttpRunLauncher } from "./launcher/http-run-launcher";
import { defaultFetch } from "./launcher/signed-fetch";
import type { Database } from "./storage/db";
import { openDatabase } from "./storage/db";

export type Services = {
  db: Database;
  now: () => number;
  coordinator: RunCoordinatorSeam;
  instanceConfigFrom: (savedOverrides: unknown) => EffectiveInstanceConfig;
  workspace: WorkspaceDeps;
};

/** The base URL run workers reach the control plane at: PUBLIC_URL, else the caller's origin. */
export function controlPlaneUrl(publicUrl: string | undefined, requestUrl: string): string {
  return (publicUrl || new URL(requestUrl).origin).replace(/\/+$/, "");
}

export function servicesFor(c: Context<AppEnv>): Services {
  return servicesForEnv(c.env, controlPlaneUrl(c.env.PUBLIC_URL, c.req.url));
}

/** The same services outside a request (the daemon's `scheduled()`), with the base URL given. */
export function servicesForEnv(env: Env, baseUrl: string): Services {
  const db = openDatabase(env.DB);
  const now = () => Date.now();
  const launcher = new HttpRunLauncher(db);
  const eventsUrlFor = (runId: string) => `${baseUrl}/api/runs/${encodeURIComponent(runId)}/events`;
  // `run_coordinator.type` picks queued (the default, DESIGN §4) or launch-at-once, per submit.
  const coordinator = new ConfiguredRunCoordinator(
    () => loadInstanceConfig(env),
    new QueuedRunCoordinator({ db, now, launcher, env, eventsUrlFor }),
    new DefaultRunCoordinator({ db, now, launcher, eventsUrlFor }),
  );
  return {
    db,
    now,
    coordinator,
    instanceConfigFrom: (saved) => instanceConfigFromSaved(env, saved),
    workspace: { db, fetch: defaultFetch, timeoutMs: DEFAULT_LAUNCH_TIMEOUT_MS, now },
  };
}
