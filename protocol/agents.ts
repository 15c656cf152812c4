/**
 * Agents (the hybrid agents of Dagster+, the dial-out workers of Temporal): a `flightdeck agent`
 * process serves one code location from any machine, behind NAT, by opening a WebSocket to the
 * run coordinator instead of being reached over HTTP. Here: its token (scoped to one code
 * location, stored hashed, shown once), what `GET /api/agents` lists, and every message on the
 * socket, both ways. Launch requests are the HTTP run launcher's own (launch.ts).
 */
import { z } from "zod";
import { LocationNameSchema } from "./api";
import { DefinitionsSchema } from "./definitions";
import { LaunchRequestSchema } from "./launch";
import { TimestampSchema } from "./run";

export const AGENT_TOKEN_PREFIX = "fda_";
export const MAX_AGENT_RUNS = 1000;

/** Agents ping this often; the pong is answered without waking the coordinator (hibernation). */
export const AGENT_PING_INTERVAL_MS = 1_000;
/** An agent whose last ping is older than this is lost: a dead machine is noticed in seconds. */
export const AGENT_PING_TIMEOUT_MS = 5_000;
/** The exact ping text and its answer: the coordinator's automatic reply matches the text byte for byte. */
export const AGENT_PING = '{"type":"ping"}';
export const AGENT_PONG = '{"type":"pong"}';

/**
 * The largest evaluation body (JSON text) either way on the socket: a request to evaluate, and the
 * agent's answer. The Durable Object refuses a received WebSocket message above 1 MiB (it closes
 * the socket), so the body, escaped inside its message, must stay well below that; the agent
 * answers a larger one with an error instead (runner/agent/agent-evaluations.ts).
 */
export const MAX_EVALUATION_BODY_CHARS = 512 * 1024;
/** The longest received agent message the coordinator reads: an evaluation answer at its largest, escaped. */
export const MAX_AGENT_MESSAGE_CHARS = 1024 * 1024;

/** How an agent location's code location records its (missing) URL: nothing dials it. */
export const AGENT_LOCATION_URL_PREFIX = "agent://";
export function agentLocationUrl(location: string): string {
  return `${AGENT_LOCATION_URL_PREFIX}${location}`;
}
export function isAgentLocationUrl(url: string): boolean {
  return url.startsWith(AGENT_LOCATION_URL_PREFIX);
}

/** `POST /api/agent-tokens`. */
export const CreateAgentTokenSchema = z.object({
  name: z.string().trim().min(1, "give the token a name").max(100),
  location: LocationNameSchema.describe("the one code location agents with this token may serve"),
});
export type CreateAgentToken = z.infer<typeof CreateAgentTokenSchema>;

export const AgentTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  created_by: z.string(),
  created_at: TimestampSchema,
  last_used_at: TimestampSchema.nullable(),
  revoked_at: TimestampSchema.nullable(),
});
export type AgentToken = z.infer<typeof AgentTokenSchema>;

/** The one reply that holds the secret: keep it now, it is never shown again. */
export const CreatedAgentTokenReplySchema = z.object({ token: AgentTokenSchema, secret: z.string() });
export type CreatedAgentTokenReply = z.infer<typeof CreatedAgentTokenReplySchema>;
export const AgentTokenReplySchema = z.object({ token: AgentTokenSchema });
export const AgentTokenListSchema = z.object({ tokens: z.array(AgentTokenSchema) });
export type AgentTokenList = z.infer<typeof AgentTokenListSchema>;

/** `PUT /api/agents/definitions`: the agent's code location, loaded from what it serves. */
export const AgentDefinitionsSchema = z.object({ definitions: DefinitionsSchema });
export const AgentDefinitionsReplySchema = z.object({ location: z.string(), definitions_version: z.string() });

/** One connected agent, as `GET /api/agents` shows it. */
export const AgentSchema = z.object({
  id: z.string(),
  location: z.string(),
  /** A digest of the definitions it serves: agents of one location with two versions are mid-deploy. */
  definitions_version: z.string(),
  max_runs: z.number().int().positive(),
  running_runs: z.array(z.string()),
  connected_at: TimestampSchema,
  last_ping_at: TimestampSchema,
  /** What the agent says it runs on (host name and pid), for people. */
  host: z.string(),
});
export type Agent = z.infer<typeof AgentSchema>;
export const AgentListSchema = z.object({ agents: z.array(AgentSchema) });
export type AgentList = z.infer<typeof AgentListSchema>;

// ---- the socket: agent → coordinator

/** The first message: who it is and how much it can take. */
export const AgentHelloSchema = z.object({
  type: z.literal("hello"),
  definitions_version: z.string().min(1).max(128),
  max_runs: z.number().int().min(1).max(MAX_AGENT_RUNS),
  host: z.string().max(200),
});
export type AgentHello = z.infer<typeof AgentHelloSchema>;

const EvaluationRequestIdSchema = z.string().min(1).max(64);

/**
 * The answer to an `evaluate`: what the code location server's HTTP route would have answered
 * (runner/server/evaluation-route.ts), its status and its body as JSON text — the run requests,
 * or the protocol's error envelope.
 */
export const AgentEvaluationSchema = z.object({
  type: z.literal("evaluation"),
  request_id: EvaluationRequestIdSchema,
  status: z.number().int().min(100).max(599),
  body: z.string().max(MAX_EVALUATION_BODY_CHARS),
});
export type AgentEvaluation = z.infer<typeof AgentEvaluationSchema>;

/**
 * Everything an agent sends. Pings (AGENT_PING) are answered by the runtime without waking the
 * coordinator; how a run ended is in the run's own events, which go to the events webhook.
 */
export const AgentMessageSchema = z.discriminatedUnion("type", [
  AgentHelloSchema,
  z.object({ type: z.literal("ping") }),
  AgentEvaluationSchema,
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

// ---- the socket: coordinator → agent

export const CoordinatorMessageSchema = z.discriminatedUnion("type", [
  /** The hello was taken: the agent's id, for its log. */
  z.object({ type: z.literal("welcome"), agent_id: z.string() }),
  z.object({ type: z.literal("launch"), request: LaunchRequestSchema }),
  z.object({ type: z.literal("terminate"), run_id: z.string() }),
  z.object({ type: z.literal("pong") }),
  /**
   * Evaluate a schedule tick or a sensor as a code location server's `POST <path>` would
   * (`/schedules/<name>/evaluate`, `/sensors/<name>/evaluate`); `body` is that request's JSON text.
   * The agent answers with an `evaluation` of the same `request_id`.
   */
  z.object({
    type: z.literal("evaluate"),
    request_id: EvaluationRequestIdSchema,
    path: z.string().min(1).max(1024),
    body: z.string().max(MAX_EVALUATION_BODY_CHARS),
  }),
]);
export type CoordinatorMessage = z.infer<typeof CoordinatorMessageSchema>;

/** Close codes the coordinator uses (4000-4999 are the application's). */
export const AGENT_CLOSE = {
  /** The first message was not a valid hello. */
  badHello: 4400,
  /** No ping for AGENT_PING_TIMEOUT_MS. */
  missedPings: 4408,
} as const;
