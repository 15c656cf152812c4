/**
 * Asks a code location server to evaluate a schedule tick or a sensor (DESIGN.md §5.2), signed
 * like every launcher request, and parses the reply with the protocol's schema. A failure throws
 * a sentence for the tick's history — a CodeLocationUnreachableError when the server was not reached.
 */
import type { z } from "zod";
import { parseBoundedJson } from "../../protocol";
import type { FetchFn } from "../launcher/signed-fetch";
import { sendSignedRequest } from "../launcher/signed-fetch";
import { getCodeLocationEndpoint } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";

/**
 * The code location server could not be reached (Dagster's DagsterUserCodeUnreachableError): a
 * schedule tick that hits it is evaluated again once the server is back, not counted as a failure.
 */
export class CodeLocationUnreachableError extends Error {
  override name = "CodeLocationUnreachableError";
}

/** A schedule or sensor function may do I/O (list files, query an API): longer than a health check. */
export const EVALUATION_TIMEOUT_MS = 30_000;

export async function evaluateRemotely<T>(
  db: Database,
  fetchFn: FetchFn,
  location: string,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const endpoint = await getCodeLocationEndpoint(db, location);
  if (!endpoint) throw new Error(`code location ${location} no longer exists`);
  const reply = await sendSignedRequest(fetchFn, {
    method: "POST",
    baseUrl: endpoint.url,
    path,
    secret: endpoint.secret,
    body,
    timeoutMs: EVALUATION_TIMEOUT_MS,
  });
  if (!reply.ok) throw reply.unreachable ? new CodeLocationUnreachableError(reply.reason) : new Error(reply.reason);
  const json = parseBoundedJson(reply.text);
  if (!json.ok) throw new Error(`POST ${endpoint.url}${path} answered a body that ${json.reason}`);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    throw new Error(`POST ${endpoint.url}${path} answered an unexpected shape: ${parsed.error.message}`);
  }
  return parsed.data;
}
