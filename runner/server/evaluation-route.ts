/**
 * `POST /schedules/:name/evaluate` and `POST /sensors/:name/evaluate` (DESIGN.md §5.2): the code
 * location server runs a schedule's or sensor's function in the loaded bundle and answers its run
 * requests. Asynchronous, unlike the other routes, because user code may do I/O. A function that
 * throws answers 500 `internal_error` with the error's message, which the control plane records
 * on the tick. An agent answers the coordinator's `evaluate` messages with the same function
 * (`evaluateByPath`), so a schedule of an agent location is evaluated exactly as a served one.
 */
import { errorReply, HttpError } from "./http-util";
import type { LoadedLocation, Reply } from "./routes";

export type EvaluateFn = (kind: "schedules" | "sensors", name: string, body: unknown) => Promise<unknown>;
type EvaluationTarget = { kind: "schedules" | "sensors"; name: string };

function matchEvaluation(method: string, url: string): EvaluationTarget | null {
  const path = new URL(url, "http://localhost").pathname;
  const match = /^\/(schedules|sensors)\/([^/]+)\/evaluate$/.exec(path);
  if (method !== "POST" || !match?.[1] || !match[2]) return null;
  return { kind: match[1] as "schedules" | "sensors", name: decodeURIComponent(match[2]) };
}

async function handleEvaluation(
  location: LoadedLocation,
  evaluate: EvaluateFn | null,
  target: EvaluationTarget,
  body: string,
): Promise<Reply> {
  if (!location.ok || !evaluate) {
    throw new HttpError(503, "location_load_error", location.ok ? "the code location has no bundle" : location.error);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, "invalid_json", "the request body is not valid JSON");
  }
  try {
    return { status: 200, body: await evaluate(target.kind, target.name, json) };
  } catch (error) {
    const status = (error as { httpStatus?: unknown }).httpStatus;
    if (status === 404) throw new HttpError(404, "not_found", (error as Error).message);
    if (status === 400) throw new HttpError(400, "validation_failed", (error as Error).message);
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new HttpError(500, "internal_error", `${target.kind.slice(0, -1)} "${target.name}" failed: ${message}`);
  }
}

/**
 * What `POST <path>` answers, an error as the protocol's envelope with its status; null when
 * `path` is no evaluation path. The HTTP server and the agent's socket both answer with this.
 */
export async function evaluateByPath(
  location: LoadedLocation,
  evaluate: EvaluateFn | null,
  path: string,
  body: string,
): Promise<Reply | null> {
  const target = matchEvaluation("POST", path);
  if (!target) return null;
  try {
    return await handleEvaluation(location, evaluate, target, body);
  } catch (error) {
    if (error instanceof HttpError) return errorReply(error);
    throw error;
  }
}
