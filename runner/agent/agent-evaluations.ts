/**
 * An agent's answer to the coordinator's `evaluate` (protocol/agents.ts): the schedule's or
 * sensor's function run by the code location server's own evaluation route
 * (server/evaluation-route.ts `evaluateByPath`), its reply sent back as an `evaluation` of the same
 * request id. What cannot cross the socket is answered as the HTTP server would answer a failure,
 * with the protocol's error envelope: a path that is no evaluation (404), and a reply too large for
 * one message (500, which the control plane records on the tick as the function's failure).
 */
import {
  type AgentEvaluation,
  type CoordinatorMessage,
  type ErrorCode,
  type ErrorEnvelope,
  MAX_EVALUATION_BODY_CHARS,
} from "../../protocol";
import type { Reply } from "../server/routes";

export type EvaluateRequest = Extract<CoordinatorMessage, { type: "evaluate" }>;
/** `evaluateByPath` bound to the agent's loaded location: null when the path is no evaluation path. */
export type EvaluateByPath = (path: string, body: string) => Promise<Reply | null>;

export async function answerEvaluation(evaluate: EvaluateByPath, request: EvaluateRequest): Promise<AgentEvaluation> {
  const answer = (status: number, body: string): AgentEvaluation => ({
    type: "evaluation",
    request_id: request.request_id,
    status,
    body,
  });
  const failure = (status: number, code: ErrorCode, message: string) =>
    answer(status, JSON.stringify({ error: { code, message } } satisfies ErrorEnvelope));
  let reply: Reply | null;
  try {
    reply = await evaluate(request.path, request.body);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return failure(500, "internal_error", `the agent failed to evaluate ${request.path}: ${message}`);
  }
  if (!reply) return failure(404, "not_found", `${request.path} is not an evaluation path of a code location`);
  const body = JSON.stringify(reply.body);
  if (body.length > MAX_EVALUATION_BODY_CHARS) {
    return failure(
      500,
      "internal_error",
      `the answer to ${request.path} is ${body.length} characters, more than the ${MAX_EVALUATION_BODY_CHARS} an agent can send`,
    );
  }
  return answer(reply.status, body);
}
