/**
 * Asks a code location server about a run's worker: `GET <location>/runs/:id`, signed (DESIGN.md
 * §5.2) — Dagster's `RunLauncher.check_run_worker_health`. Null when the server cannot be reached
 * or answers something unreadable: then only heartbeats can tell (the machine may be gone).
 */
import type { Run, RunWorkerHealth } from "../../protocol";
import { isAgentLocationUrl, parseBoundedJson, RunWorkerHealthSchema } from "../../protocol";
import type { FetchFn } from "../launcher/signed-fetch";
import { sendSignedRequest } from "../launcher/signed-fetch";
import { getCodeLocationEndpoint } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";

/** Shorter than a launch's deadline: a pass checks many runs, and a dead server must not stall it. */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000;

export async function checkRunWorkerHealth(
  db: Database,
  fetchFn: FetchFn,
  run: Pick<Run, "id" | "location">,
): Promise<RunWorkerHealth | null> {
  const endpoint = await getCodeLocationEndpoint(db, run.location);
  // An agent location has no URL to ask: its agents' sockets tell when they are lost (agent-lost.ts).
  if (!endpoint || isAgentLocationUrl(endpoint.url)) return null;
  const reply = await sendSignedRequest(fetchFn, {
    method: "GET",
    baseUrl: endpoint.url,
    path: `/runs/${encodeURIComponent(run.id)}`,
    secret: endpoint.secret,
    timeoutMs: HEALTH_CHECK_TIMEOUT_MS,
  });
  if (!reply.ok) return null;
  // Not JSON, or past the bounds: no usable answer, same as no answer.
  const json = parseBoundedJson(reply.text);
  const parsed = json.ok ? RunWorkerHealthSchema.safeParse(json.value) : null;
  return parsed?.success ? parsed.data : null;
}
