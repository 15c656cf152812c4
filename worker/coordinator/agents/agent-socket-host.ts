/**
 * The run coordinator's side of the agents' sockets (protocol/agents.ts), with the Durable Object
 * WebSocket hibernation API: sockets are accepted with `ctx.acceptWebSocket` (tagged with their
 * code location), each agent's hello is kept in its socket's attachment (`serializeAttachment`,
 * which survives hibernation), and pings are answered by the runtime's automatic response, so an
 * idle agent never wakes the object; the time of its last ping is read back with
 * `getWebSocketAutoResponseTimestamp`. Which agent holds which run is in agent-run-store.ts;
 * where a run goes is agent-placement.ts's decision. The object delegates its `fetch`,
 * `webSocketMessage` and `webSocketClose` here and acts on what they return: an admission pass
 * when capacity appeared, an answer to an evaluation handed to agent-evaluations.ts, run
 * monitoring for the runs of an agent that was lost.
 */
import type { Agent, LaunchRequest } from "../../../protocol";
import {
  AGENT_CLOSE,
  AGENT_PING,
  AGENT_PING_INTERVAL_MS,
  AGENT_PING_TIMEOUT_MS,
  AGENT_PONG,
  type AgentEvaluation,
  AgentEvaluationSchema,
  AgentHelloSchema,
  type CoordinatorMessage,
  MAX_AGENT_MESSAGE_CHARS,
} from "../../../protocol";
import type { LaunchOutcome, TerminateOutcome } from "../../launcher/run-launcher";
import type { Clock } from "../clock";
import type { AgentLocationCapacity } from "./agent-capacity";
import { type AgentLoad, locationCapacity, pickAgent } from "./agent-placement";
import { AgentRunStore } from "./agent-run-store";

/** What a socket's attachment holds: null fields until the agent's hello came. */
type AgentAttachment = {
  id: string;
  location: string;
  connectedAt: number;
  lastPlacedAt: number;
  hello: { definitionsVersion: string; maxRuns: number; host: string } | null;
};

/** An agent whose socket closed or went silent, and the runs it held (now to be decided on). */
export type LostAgent = { agentId: string; location: string; runIds: string[]; why: string };

function newAgentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `agent_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class AgentSocketHost {
  readonly store: AgentRunStore;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly clock: Clock,
  ) {
    this.store = new AgentRunStore(ctx.storage);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(AGENT_PING, AGENT_PONG));
  }

  /** An agent's upgrade, forwarded by the Worker once its token was checked: the location is the token's. */
  accept(location: string): Response {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [location]);
    const now = this.clock.now();
    const attachment: AgentAttachment = {
      id: newAgentId(),
      location,
      connectedAt: now,
      lastPlacedAt: now,
      hello: null,
    };
    server.serializeAttachment(attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A message from an agent: "welcomed" when it brought capacity (its hello), so the object should
   * admit; its answer to an evaluation, with its id; else null.
   */
  message(
    ws: WebSocket,
    data: string | ArrayBuffer,
  ): "welcomed" | { agentId: string; evaluation: AgentEvaluation } | null {
    const attachment = attachmentOf(ws);
    if (!attachment) return null;
    const json = typeof data === "string" && data.length <= MAX_AGENT_MESSAGE_CHARS ? safeJson(data) : null;
    if (attachment.hello !== null) {
      // Pings are answered by the runtime; after the hello only answers to evaluations are expected.
      const evaluation = AgentEvaluationSchema.safeParse(json);
      return evaluation.success ? { agentId: attachment.id, evaluation: evaluation.data } : null;
    }
    const hello = AgentHelloSchema.safeParse(json);
    if (!hello.success) {
      ws.close(AGENT_CLOSE.badHello, "the first message must be a hello (protocol/agents.ts)");
      return null;
    }
    const { definitions_version, max_runs, host } = hello.data;
    ws.serializeAttachment({
      ...attachment,
      hello: { definitionsVersion: definitions_version, maxRuns: max_runs, host },
    } satisfies AgentAttachment);
    this.store.addLocation(attachment.location);
    send(ws, { type: "welcome", agent_id: attachment.id });
    return "welcomed";
  }

  /** The socket closed (or failed): the agent is lost, with its runs. */
  closed(ws: WebSocket, why: string): LostAgent | null {
    const attachment = attachmentOf(ws);
    closeQuietly(ws, 1000, "closed");
    if (!attachment) return null;
    return { agentId: attachment.id, location: attachment.location, runIds: this.store.takeRunsOf(attachment.id), why };
  }

  /** Agents silent for longer than AGENT_PING_TIMEOUT_MS: their sockets are closed and they are lost. */
  missedPings(now: number): LostAgent[] {
    const lost: LostAgent[] = [];
    for (const { ws, attachment } of this.#sockets()) {
      if (now - this.#lastPingAt(ws, attachment) <= AGENT_PING_TIMEOUT_MS) continue;
      closeQuietly(ws, AGENT_CLOSE.missedPings, "no ping in time");
      const silent = Math.round((now - this.#lastPingAt(ws, attachment)) / 1000);
      lost.push({
        agentId: attachment.id,
        location: attachment.location,
        runIds: this.store.takeRunsOf(attachment.id),
        why: `sent no ping for ${silent} s`,
      });
    }
    return lost;
  }

  /** When the object should next check pings: soon while any agent holds runs, else never (idle agents cost nothing). */
  nextPingCheckAt(now: number): number | null {
    return this.store.all().length > 0 ? now + AGENT_PING_INTERVAL_MS : null;
  }

  /** Every agent location's capacity, for an admission pass; rows of runs no longer in progress are dropped first. */
  capacities(inProgress: ReadonlySet<string>, now: number): AgentLocationCapacity[] {
    this.store.release(
      this.store
        .all()
        .filter((run) => !inProgress.has(run.runId))
        .map((run) => run.runId),
    );
    return this.store
      .locations()
      .map((location) => ({ location, ...locationCapacity(this.#loads(location), now, AGENT_PING_TIMEOUT_MS) }));
  }

  /** Places the runs a pass admitted that belong to agent locations (the pass made sure there is room). */
  placeAdmitted(runs: readonly { id: string; location?: string | null }[], now: number): void {
    for (const run of runs) {
      if (run.location && this.store.isAgentLocation(run.location)) this.#place(run.id, run.location, now);
    }
  }

  /** Sends a launch to the agent the run was placed on (or places it now: a resumed attempt). */
  launch(request: LaunchRequest): LaunchOutcome {
    const now = this.clock.now();
    const agentId = this.store.agentOf(request.run_id) ?? this.#place(request.run_id, request.location, now);
    const socket = agentId === null ? null : this.#socketOf(agentId);
    if (!socket || agentId === null) {
      if (agentId !== null) this.store.release([request.run_id]);
      return { ok: false, unreachable: true, reason: `no agent with free capacity for location ${request.location}` };
    }
    if (!send(socket, { type: "launch", request })) {
      this.store.release([request.run_id]);
      return { ok: false, unreachable: true, reason: `agent ${agentId} could not be sent the launch` };
    }
    const host = attachmentOf(socket)?.hello?.host ?? "";
    return { ok: true, handle: `agent:${agentId}`, agent: { id: agentId, host } };
  }

  terminate(runId: string): TerminateOutcome {
    const agentId = this.store.agentOf(runId);
    const socket = agentId === null ? null : this.#socketOf(agentId);
    if (!socket) return { ok: false, reason: `no connected agent holds run ${runId}` };
    return send(socket, { type: "terminate", run_id: runId })
      ? { ok: true }
      : { ok: false, reason: `agent ${agentId} could not be reached` };
  }

  release(runIds: readonly string[]): void {
    this.store.release(runIds);
  }

  /** The connected agents, for `GET /api/agents`. */
  list(now: number): Agent[] {
    const runs = this.store.all();
    return this.#sockets().map(({ ws, attachment }) => ({
      id: attachment.id,
      location: attachment.location,
      definitions_version: attachment.hello?.definitionsVersion ?? "",
      max_runs: attachment.hello?.maxRuns ?? 1,
      running_runs: runs.filter((run) => run.agentId === attachment.id).map((run) => run.runId),
      connected_at: attachment.connectedAt,
      last_ping_at: Math.min(now, this.#lastPingAt(ws, attachment)),
      host: attachment.hello?.host ?? "",
    }));
  }

  /** The location's agents that said hello, with their runs and last ping (who may evaluate, agent-evaluations.ts). */
  loads(location: string): AgentLoad[] {
    return this.#loads(location);
  }

  /** False when the agent is not connected or the message could not be sent. */
  sendTo(agentId: string, message: CoordinatorMessage): boolean {
    const socket = this.#socketOf(agentId);
    return socket !== null && send(socket, message);
  }

  #place(runId: string, location: string, now: number): string | null {
    const chosen = pickAgent(this.#loads(location), now, AGENT_PING_TIMEOUT_MS);
    if (!chosen) return null;
    this.store.place({ runId, agentId: chosen.id, location, placedAt: now });
    const socket = this.#socketOf(chosen.id);
    const attachment = socket ? attachmentOf(socket) : null;
    if (socket && attachment)
      socket.serializeAttachment({ ...attachment, lastPlacedAt: now } satisfies AgentAttachment);
    return chosen.id;
  }

  #loads(location: string): AgentLoad[] {
    const runs = this.store.all();
    return this.#sockets(location).flatMap(({ ws, attachment }) =>
      attachment.hello
        ? [
            {
              id: attachment.id,
              maxRuns: attachment.hello.maxRuns,
              running: runs.filter((run) => run.agentId === attachment.id).length,
              lastPlacedAt: attachment.lastPlacedAt,
              lastPingAt: this.#lastPingAt(ws, attachment),
            },
          ]
        : [],
    );
  }

  #lastPingAt(ws: WebSocket, attachment: AgentAttachment): number {
    const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws);
    return Math.max(attachment.connectedAt, pinged ? pinged.getTime() : 0);
  }

  #socketOf(agentId: string): WebSocket | null {
    return this.#sockets().find(({ attachment }) => attachment.id === agentId)?.ws ?? null;
  }

  /** Open sockets of agents that said hello (of one location, when given). */
  #sockets(location?: string): { ws: WebSocket; attachment: AgentAttachment }[] {
    return this.ctx.getWebSockets(location).flatMap((ws) => {
      const attachment = ws.readyState === WebSocket.OPEN ? attachmentOf(ws) : null;
      return attachment?.hello ? [{ ws, attachment }] : [];
    });
  }
}

function attachmentOf(ws: WebSocket): AgentAttachment | null {
  return (ws.deserializeAttachment() as AgentAttachment | null) ?? null;
}

function send(ws: WebSocket, message: CoordinatorMessage): boolean {
  try {
    ws.send(JSON.stringify(message));
    return true;
  } catch (error) {
    console.error("run coordinator: a message to an agent could not be sent:", error);
    return false;
  }
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed: the close is what we wanted.
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
