/**
 * The composition root: builds, per request, the storage handle and the services the handlers
 * call. This is where the coordinator is chosen — the queued coordinator (a later issue) will be
 * picked here from the instance config, and nothing else changes.
 */
import type { Context } from "hono";
import type { WorkspaceDeps } from "./code-locations/workspace";
import type { AppEnv } from "./context";
import { DefaultRunCoordinator } from "./coordinator/default-run-coordinator";
import type { RunCoordinator } from "./coordinator/run-coordinator";
import { DEFAULT_LAUNCH_TIMEOUT_MS, HttpRunLauncher } from "./launcher/http-run-launcher";
import { defaultFetch } from "./launcher/signed-fetch";
import type { Database } from "./storage/db";
import { openDatabase } from "./storage/db";

export type Services = {
  db: Database;
  now: () => number;
  coordinator: RunCoordinator;
  workspace: WorkspaceDeps;
};

/** The base URL run workers reach the control plane at: PUBLIC_URL, else the caller's origin. */
export function controlPlaneUrl(publicUrl: string | undefined, requestUrl: string): string {
  return (publicUrl || new URL(requestUrl).origin).replace(/\/+$/, "");
}

export function servicesFor(c: Context<AppEnv>): Services {
  const db = openDatabase(c.env.DB);
  const now = () => Date.now();
  const launcher = new HttpRunLauncher(db);
  const baseUrl = controlPlaneUrl(c.env.PUBLIC_URL, c.req.url);
  const coordinator = new DefaultRunCoordinator({
    db,
    now,
    launcher,
    eventsUrlFor: (runId) => `${baseUrl}/api/runs/${encodeURIComponent(runId)}/events`,
  });
  return { db, now, coordinator, workspace: { db, fetch: defaultFetch, timeoutMs: DEFAULT_LAUNCH_TIMEOUT_MS, now } };
}
