/**
 * The composition root: `wire` builds, once per request, per daemon tick or per launch of the
 * Durable Object, everything the control plane's handlers, passes and coordinators are handed —
 * the storage handle, the clock, the one run launcher (bounded by
 * `run_launcher.request_timeout_seconds`), the run coordinator `run_coordinator.type` names, what
 * evaluates schedules and sensors (a server over HTTP, an agent through the run coordinator
 * object), and where run workers post their events. Nothing else builds these (graphile-worker's
 * `makeNewWorker(options, deps)`), so the three callers cannot drift apart.
 */
import type { EffectiveInstanceConfig } from "../protocol";
import type { WorkspaceDeps } from "./code-locations/workspace";
import { ConfiguredRunCoordinator } from "./coordinator/configured-run-coordinator";
import { coordinatorStub } from "./coordinator/coordinator-stub";
import { DefaultRunCoordinator } from "./coordinator/default-run-coordinator";
import { QueuedRunCoordinator } from "./coordinator/queued-run-coordinator";
import type { RunCoordinatorSeam } from "./coordinator/run-coordinator-seam";
import type { AgentEvaluator, EvaluationDeps } from "./daemon/remote-evaluation";
import { instanceConfigFromSaved, loadInstanceConfig } from "./instance/load-instance-config";
import { HttpRunLauncher } from "./launcher/http-run-launcher";
import { type AgentLaunches, LocationRoutingLauncher } from "./launcher/location-routing-launcher";
import type { RunLauncher } from "./launcher/run-launcher";
import { defaultFetch } from "./launcher/signed-fetch";
import type { Database } from "./storage/db";
import { openDatabase } from "./storage/db";

/** How long a code location server may take to answer a definitions load or reload. */
const CODE_LOCATION_TIMEOUT_MS = 10_000;

export type Deps = {
  env: Env;
  db: Database;
  now: () => number;
  /** Where run workers reach the control plane; null outside a request when PUBLIC_URL is unset. */
  baseUrl: string | null;
  /** `<baseUrl>/api/runs/<id>/events`; throws when the base URL is unknown. */
  eventsUrlFor: (runId: string) => string;
  launcher: RunLauncher;
  coordinator: RunCoordinatorSeam;
  /** What schedule and sensor evaluations reach their code location with (daemon/remote-evaluation.ts). */
  evaluation: EvaluationDeps;
  /** The effective instance config, read at most once per wiring (or the one `wire` was given). */
  instanceConfig: () => Promise<EffectiveInstanceConfig>;
  /**
   * The effective config from overrides already read (batched with a submit's other reads); it
   * becomes this wiring's config, so the launch that follows reads nothing again.
   */
  instanceConfigFrom: (savedOverrides: unknown) => EffectiveInstanceConfig;
  workspace: WorkspaceDeps;
};

/** The base URL run workers reach the control plane at: PUBLIC_URL, else the caller's origin. */
export function controlPlaneUrl(publicUrl: string | undefined, requestUrl: string): string {
  return (publicUrl || new URL(requestUrl).origin).replace(/\/+$/, "");
}

/** PUBLIC_URL, normalized: outside a request it is the only way to know where run workers post events. */
export function publicBaseUrl(env: Pick<Env, "PUBLIC_URL">): string | null {
  const url = env.PUBLIC_URL?.trim().replace(/\/+$/, "");
  return url ? url : null;
}

export const UNKNOWN_BASE_URL = "the control plane's URL is unknown (set PUBLIC_URL), so no run can be launched";

/** What reaches agents: launches, terminations and evaluations, all carried by the run coordinator object. */
export type AgentReach = AgentLaunches & AgentEvaluator;

/**
 * `now`: the clock everything wired reads (the Durable Object passes its own). `agents`: what
 * carries launches and evaluations to agents (the object passes its own agents; elsewhere its stub).
 */
export function wire(
  env: Env,
  baseUrl: string | null,
  config?: EffectiveInstanceConfig,
  now: () => number = () => Date.now(),
  agents: () => AgentReach = () => coordinatorStub(env),
): Deps {
  const db = openDatabase(env.DB);
  let known: Promise<EffectiveInstanceConfig> | undefined = config && Promise.resolve(config);
  const instanceConfig = () => {
    known ??= loadInstanceConfig(env);
    return known;
  };
  const http = new HttpRunLauncher(db, {
    timeoutMs: async () => (await instanceConfig()).config.run_launcher.request_timeout_seconds * 1000,
  });
  const launcher = new LocationRoutingLauncher(db, http, agents);
  const eventsUrlFor = (runId: string) => {
    if (baseUrl === null) throw new Error(UNKNOWN_BASE_URL);
    return `${baseUrl}/api/runs/${encodeURIComponent(runId)}/events`;
  };
  // `run_coordinator.type` picks queued (the default, DESIGN §4) or launch-at-once, per submit.
  const coordinator = new ConfiguredRunCoordinator(
    instanceConfig,
    new QueuedRunCoordinator({ db, now, launcher, env, eventsUrlFor }),
    new DefaultRunCoordinator({ db, now, launcher, eventsUrlFor }),
  );
  return {
    env,
    db,
    now,
    baseUrl,
    eventsUrlFor,
    launcher,
    coordinator,
    evaluation: { db, fetch: defaultFetch, agents },
    instanceConfig,
    instanceConfigFrom: (saved) => {
      const resolved = instanceConfigFromSaved(env, saved);
      known ??= Promise.resolve(resolved);
      return resolved;
    },
    workspace: { db, fetch: defaultFetch, timeoutMs: CODE_LOCATION_TIMEOUT_MS, now },
  };
}
