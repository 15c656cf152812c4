/**
 * An agent's socket to the run coordinator (protocol/agents.ts): dials out to
 * `<control plane>/api/agents/connect` with its agent token — no inbound port, so it works behind
 * NAT — says hello (definitions version, max runs), pings every AGENT_PING_INTERVAL_MS, hands
 * each launch and termination to its handlers, and answers each `evaluate` (a schedule tick or a
 * sensor) with its `onEvaluate`'s `evaluation`, sent back on the socket it came on. When the socket closes it calls `onDisconnect`
 * (the coordinator has declared the agent's runs lost by then) and dials again with backoff,
 * until `close()`.
 */
import { hostname } from "node:os";
import WebSocket from "ws";
import {
  AGENT_PING,
  AGENT_PING_INTERVAL_MS,
  type AgentEvaluation,
  type AgentHello,
  CoordinatorMessageSchema,
  type LaunchRequest,
} from "../../protocol";
import type { EvaluateRequest } from "./agent-evaluations";

export interface AgentConnectionOptions {
  readonly controlPlane: string;
  readonly token: string;
  readonly definitionsVersion: string;
  readonly maxRuns: number;
  readonly onLaunch: (request: LaunchRequest) => void;
  readonly onTerminate: (runId: string) => void;
  /** Never rejects: a failure is an `evaluation` with the error envelope (agent-evaluations.ts). */
  readonly onEvaluate: (request: EvaluateRequest) => Promise<AgentEvaluation>;
  readonly onDisconnect: () => void;
  readonly log: (line: string) => void;
}

const MAX_BACKOFF_MS = 10_000;

export class AgentConnection {
  #socket: WebSocket | null = null;
  #ping: NodeJS.Timeout | null = null;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  #failures = 0;
  /** The first connection, until welcomed: its failure fails `start`, and is not retried. */
  #first: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(private readonly options: AgentConnectionOptions) {}

  /** Resolves once the first connection said hello and was welcomed (or rejects if it could not open). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#first = { resolve, reject };
      this.#dial();
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#stopPing();
    this.#socket?.close(1000, "agent stopping");
  }

  #dial(): void {
    const url = `${this.options.controlPlane.replace(/^http/, "ws")}/api/agents/connect`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.options.token}` } });
    this.#socket = socket;
    socket.on("open", () => {
      const hello: AgentHello = {
        type: "hello",
        definitions_version: this.options.definitionsVersion,
        max_runs: this.options.maxRuns,
        host: `${hostname()} pid ${process.pid}`,
      };
      socket.send(JSON.stringify(hello));
      this.#ping = setInterval(() => socket.send(AGENT_PING), AGENT_PING_INTERVAL_MS);
    });
    socket.on("message", (data) => {
      const parsed = CoordinatorMessageSchema.safeParse(safeJson(String(data)));
      if (!parsed.success)
        return this.options.log(`ignoring a message the agent does not understand: ${String(data).slice(0, 200)}`);
      const message = parsed.data;
      if (message.type === "welcome") {
        this.#failures = 0;
        this.options.log(`connected to ${this.options.controlPlane} as ${message.agent_id}`);
        this.#first?.resolve();
        this.#first = null;
      } else if (message.type === "launch") this.options.onLaunch(message.request);
      else if (message.type === "terminate") this.options.onTerminate(message.run_id);
      else if (message.type === "evaluate") void this.#evaluate(socket, message);
    });
    socket.on("unexpected-response", (_req, res) => {
      const error = new Error(`the control plane refused the agent's connection: HTTP ${res.statusCode}`);
      // A refused token will not get better: the first connection fails the agent's start.
      if (this.#first) this.#first.reject(error);
      else this.options.log(error.message);
      this.#first = null;
      socket.terminate();
    });
    socket.on("error", (error) => {
      this.options.log(`socket error: ${error.message}`);
    });
    socket.on("close", (code) => {
      this.#stopPing();
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#first) {
        this.#first.reject(
          new Error(`the connection to ${this.options.controlPlane} closed (${code}) before it was welcomed`),
        );
        this.#first = null;
        return;
      }
      if (this.#closed) return;
      this.options.onDisconnect();
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.#failures++);
      this.options.log(`disconnected (${code}); dialing again in ${delay} ms`);
      this.#retry = setTimeout(() => this.#dial(), delay);
    });
  }

  /** Evaluates while the socket serves other messages; an answer for a socket closed since is dropped (the coordinator failed the request). */
  async #evaluate(socket: WebSocket, request: EvaluateRequest): Promise<void> {
    const answer = await this.options.onEvaluate(request);
    if (socket.readyState !== WebSocket.OPEN) {
      return this.options.log(`dropping the answer to ${request.path}: its socket closed`);
    }
    socket.send(JSON.stringify(answer));
  }

  #stopPing(): void {
    if (this.#ping) clearInterval(this.#ping);
    this.#ping = null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
