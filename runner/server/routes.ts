/**
 * The code location server's routes (DESIGN.md §5.2): Dagster's code server API (ListRepositories,
 * LaunchRun, run worker health, termination) over signed HTTP. Requests arrive here authenticated.
 */
import { type Definitions, LaunchRequestSchema } from "../../protocol";
import { HttpError } from "./http-util";
import type { RunWorkerProcesses } from "./run-worker-processes";

export type LoadedLocation = { ok: true; definitions: Definitions } | { ok: false; error: string };

export interface RouteContext {
  readonly location: LoadedLocation;
  /** Null when the location failed to bundle: nothing can run. */
  readonly launcher: RunWorkerProcesses | null;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** Answers one authenticated request; failures are thrown as HttpError. */
export function handleRoute(context: RouteContext, method: string, url: string, body: string): Reply {
  const path = new URL(url, "http://localhost").pathname;
  if (method === "GET" && path === "/definitions") return { status: 200, body: requireLoaded(context) };
  if (method === "POST" && path === "/runs") return launchRun(context, body);
  const run = /^\/runs\/([^/]+)(\/terminate)?$/.exec(path);
  const runId = run?.[1] !== undefined ? decodeURIComponent(run[1]) : null;
  if (runId !== null && method === "GET" && !run?.[2]) {
    return { status: 200, body: requireLauncher(context).health(runId) };
  }
  if (runId !== null && method === "POST" && run?.[2]) {
    if (!requireLauncher(context).terminate(runId)) {
      throw new HttpError(404, "run_not_found", `no run worker was launched here for run "${runId}"`);
    }
    return { status: 202, body: {} };
  }
  throw new HttpError(404, "not_found", `${method} ${path} is not a route of this code location server`);
}

function requireLoaded(context: RouteContext): Definitions {
  if (!context.location.ok) throw new HttpError(503, "location_load_error", context.location.error);
  return context.location.definitions;
}

function requireLauncher(context: RouteContext): RunWorkerProcesses {
  if (!context.launcher) throw new HttpError(503, "location_load_error", requireErrorText(context));
  return context.launcher;
}

function requireErrorText(context: RouteContext): string {
  return context.location.ok ? "the code location has no bundle" : context.location.error;
}

function launchRun(context: RouteContext, body: string): Reply {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, "invalid_json", "the request body is not valid JSON");
  }
  const parsed = LaunchRequestSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const summary = details.map((d) => `${d.path || "(body)"}: ${d.message}`).join("; ");
    throw new HttpError(400, "validation_failed", `the launch request is invalid: ${summary}`, details);
  }
  const definitions = requireLoaded(context);
  if (!definitions.jobs.some((job) => job.name === parsed.data.job)) {
    throw new HttpError(404, "job_not_found", `job "${parsed.data.job}" is not in this code location`);
  }
  const { handle } = requireLauncher(context).launch(parsed.data);
  return { status: 202, body: { handle } };
}
