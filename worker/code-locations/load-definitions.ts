/**
 * Loads a code location's definitions (Dagster's code location load): a signed
 * `GET <url>/definitions`, parsed with the protocol's DefinitionsSchema. Any failure — network,
 * status, body, shape — becomes a LOAD_ERROR carrying the whole story, because the operator has
 * to fix it on the other side and needs to see what came back.
 */
import { DefinitionsSchema, parseBoundedJson } from "../../protocol";
import { describeIssues, issuesFromZod } from "../http/validation-issues";
import type { FetchFn } from "../launcher/signed-fetch";
import { sendSignedRequest } from "../launcher/signed-fetch";
import type { CodeLocationEndpoint, LoadOutcome } from "../storage/code-locations-repo";

export async function loadDefinitions(
  fetchFn: FetchFn,
  endpoint: Pick<CodeLocationEndpoint, "url" | "secret">,
  opts: { timeoutMs: number; now: number },
): Promise<LoadOutcome> {
  const reply = await sendSignedRequest(fetchFn, {
    method: "GET",
    baseUrl: endpoint.url,
    path: "/definitions",
    secret: endpoint.secret,
    timeoutMs: opts.timeoutMs,
  });
  if (!reply.ok) return { status: "LOAD_ERROR", loadError: reply.reason };
  const what = `GET ${endpoint.url.replace(/\/+$/, "")}/definitions`;
  const body = parseBoundedJson(reply.text);
  if (!body.ok) {
    return { status: "LOAD_ERROR", loadError: `${what} answered ${reply.status} with a body that ${body.reason}` };
  }
  const parsed = DefinitionsSchema.safeParse(body.value);
  if (!parsed.success) {
    return {
      status: "LOAD_ERROR",
      loadError: describeIssues(
        `${what} answered definitions that do not match the protocol`,
        issuesFromZod(parsed.error),
      ),
    };
  }
  return { status: "LOADED", definitions: parsed.data, loadedAt: opts.now };
}
