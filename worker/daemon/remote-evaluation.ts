/**
 * Asks a code location to evaluate a schedule tick or a sensor (DESIGN.md §5.2) and parses the
 * reply with the protocol's schema: a code location server over HTTP, signed like every launcher
 * request; an agent location (its URL `agent://…`, protocol/agents.ts) through the run coordinator
 * object, which sends the request down one of its agents' sockets and returns the answer
 * (coordinator/agents/agent-evaluations.ts). Both answer what the server's evaluation route
 * answers, so both are read alike. A failure throws a sentence for the tick's history — a
 * CodeLocationUnreachableError when the server, or every agent, was not reached.
 */
import type { z } from "zod";
import { isAgentLocationUrl, parseBoundedJson } from "../../protocol";
import type { FetchFn, SignedReply } from "../launcher/signed-fetch";
import { failedAnswer, sendSignedRequest } from "../launcher/signed-fetch";
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

/**
 * An agent's answer (its status and JSON text), or why none came. A union rather than an error,
 * because it crosses Durable Object RPC, where an error arrives as a plain Error.
 */
export type AgentEvaluationResult =
  | { ok: true; status: number; body: string }
  | { ok: false; unreachable: boolean; reason: string };

/** What evaluates on an agent: the run coordinator object itself, or its stub from anywhere else. */
export interface AgentEvaluator {
  evaluateOnAgent(location: string, path: string, body: string): Promise<AgentEvaluationResult>;
}

export type EvaluationDeps = { db: Database; fetch: FetchFn; agents: () => AgentEvaluator };

export async function evaluateRemotely<T>(
  deps: EvaluationDeps,
  location: string,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const endpoint = await getCodeLocationEndpoint(deps.db, location);
  if (!endpoint) throw new Error(`code location ${location} no longer exists`);
  const reply = isAgentLocationUrl(endpoint.url)
    ? await askAgent(deps.agents, location, `POST ${endpoint.url}${path}`, path, body)
    : await sendSignedRequest(deps.fetch, {
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

/** An agent's answer read as a server's HTTP reply; a coordinator that could not be asked is unreachable too. */
async function askAgent(
  agents: () => AgentEvaluator,
  location: string,
  what: string,
  path: string,
  body: unknown,
): Promise<SignedReply> {
  let answer: AgentEvaluationResult;
  try {
    answer = await agents().evaluateOnAgent(location, path, JSON.stringify(body));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, unreachable: true, reason: `${what}: the run coordinator could not be asked (${detail})` };
  }
  if (!answer.ok) return { ok: false, unreachable: answer.unreachable, reason: `${what}: ${answer.reason}` };
  if (answer.status < 200 || answer.status >= 300)
    return failedAnswer(what, answer.status, String(answer.status), answer.body);
  return { ok: true, status: answer.status, text: answer.body };
}
