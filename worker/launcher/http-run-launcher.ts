/**
 * The HTTP run launcher (DESIGN.md §5.2; Dagster's run launcher, with the code location server
 * standing in for the DefaultRunLauncher's process spawn): `POST <location>/runs` with a
 * LaunchRequest and `POST <location>/runs/<id>/terminate`, both signed with the location's secret
 * and bounded by a timeout. It reports outcomes; what they mean for the run's status is the
 * coordinator's business.
 */

import type { LaunchRequest, Run } from "../../protocol";
import { DEFAULT_LAUNCH_REQUEST_TIMEOUT_SECONDS, LaunchReplySchema, parseBoundedJson } from "../../protocol";
import { getCodeLocationEndpoint } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";
import { getReexecutionPlan } from "../storage/reexecution-repo";
import type { LaunchInput, LaunchOutcome, RunLauncher, TerminateOutcome } from "./run-launcher";
import type { FetchFn } from "./signed-fetch";
import { defaultFetch, sendSignedRequest } from "./signed-fetch";

/**
 * `timeoutMs`: the deadline of each request, `run_launcher.request_timeout_seconds` (wiring.ts
 * passes it as a function, so the instance config is read only when a request leaves); the
 * config's default when not given.
 */
/** The launch request of a run attempt (DESIGN.md §5.2), whichever way it travels (HTTP, or an agent's socket). */
export async function buildLaunchRequest(
  db: Database,
  { run, runToken, eventsUrl, resume }: Omit<LaunchInput, "endpoint">,
): Promise<LaunchRequest> {
  const body: LaunchRequest = {
    run_id: run.id,
    attempt: run.attempt,
    location: run.location,
    job: run.job,
    run_config: run.run_config,
    tags: run.tags,
    events_url: eventsUrl,
    run_token: runToken,
  };
  // Only a re-execution has a plan, and only a run with a parent can be one: no read otherwise.
  const plan = run.parent_run_id === null ? null : await getReexecutionPlan(db, run.id);
  if (plan) body.reexecution = { parent_run_id: plan.parent_run_id, step_keys: plan.step_keys };
  if (resume) Object.assign(body, { resume: true, succeeded_step_keys: [...resume.succeededStepKeys] });
  return body;
}

export type HttpRunLauncherOptions = { fetch?: FetchFn; timeoutMs?: number | (() => Promise<number>) };

export class HttpRunLauncher implements RunLauncher {
  readonly #fetch: FetchFn;
  readonly #timeoutMs: () => Promise<number>;

  constructor(
    private readonly db: Database,
    options: HttpRunLauncherOptions = {},
  ) {
    this.#fetch = options.fetch ?? defaultFetch;
    const timeoutMs = options.timeoutMs ?? DEFAULT_LAUNCH_REQUEST_TIMEOUT_SECONDS * 1000;
    this.#timeoutMs = typeof timeoutMs === "number" ? async () => timeoutMs : timeoutMs;
  }

  async launchRun({ run, runToken, eventsUrl, resume, endpoint: known }: LaunchInput): Promise<LaunchOutcome> {
    const endpoint = known ?? (await getCodeLocationEndpoint(this.db, run.location));
    if (!endpoint) return { ok: false, reason: `code location ${run.location} no longer exists` };
    const body = await buildLaunchRequest(this.db, { run, runToken, eventsUrl, resume });
    const reply = await sendSignedRequest(this.#fetch, {
      method: "POST",
      baseUrl: endpoint.url,
      path: "/runs",
      secret: endpoint.secret,
      body,
      timeoutMs: await this.#timeoutMs(),
    });
    if (!reply.ok) return reply;
    // The server accepted the run (2xx) — the run worker may be running — so a reply without a
    // readable handle is still a launch; run monitoring finds the worker by run id.
    const parsed = LaunchReplySchema.safeParse(safeJson(reply.text));
    return { ok: true, handle: parsed.success ? parsed.data.handle : null };
  }

  async terminateRun(run: Run): Promise<TerminateOutcome> {
    const endpoint = await getCodeLocationEndpoint(this.db, run.location);
    if (!endpoint) return { ok: false, reason: `code location ${run.location} no longer exists` };
    const reply = await sendSignedRequest(this.#fetch, {
      method: "POST",
      baseUrl: endpoint.url,
      path: `/runs/${encodeURIComponent(run.id)}/terminate`,
      secret: endpoint.secret,
      timeoutMs: await this.#timeoutMs(),
    });
    return reply.ok ? { ok: true } : reply;
  }
}

function safeJson(text: string): unknown {
  // A 2xx with a body that is not JSON (or past the bounds): treated as "no handle" by the caller, on purpose.
  const json = parseBoundedJson(text);
  return json.ok ? json.value : undefined;
}
