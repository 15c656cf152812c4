/**
 * Schedules and sensors of an agent location evaluated over an agent's socket (protocol/agents.ts
 * `evaluate` / `evaluation`): the run coordinator picks one of the location's connected agents
 * (agent-placement.ts `pickEvaluator`), sends the request and waits, in memory, for the answer with
 * the same request id, at most EVALUATION_TIMEOUT_MS on the object's clock — as long as a code
 * location server is given over HTTP. The object cannot hibernate while an RPC awaits this, so the waiting map lives as long
 * as the request. Every failure to get an answer is "unreachable" (no agent connected, a send that
 * failed, no answer in time, the agent's socket closed first), so a schedule tick is evaluated
 * again once an agent is back instead of counting as a failure, exactly as for a server that is
 * down (daemon/schedules.ts). The result is a union, not a thrown error, because it crosses RPC.
 */
import {
  AGENT_PING_TIMEOUT_MS,
  type AgentEvaluation,
  type CoordinatorMessage,
  MAX_EVALUATION_BODY_CHARS,
} from "../../../protocol";
import { type AgentEvaluationResult, EVALUATION_TIMEOUT_MS } from "../../daemon/remote-evaluation";
import type { Clock } from "../clock";
import { type AgentLoad, pickEvaluator } from "./agent-placement";

/** What the evaluations need of the agents' sockets (agent-socket-host.ts). */
export interface EvaluationSockets {
  /** The location's agents that said hello, with their runs and last ping. */
  loads(location: string): AgentLoad[];
  /** False when the message could not be sent. */
  send(agentId: string, message: CoordinatorMessage): boolean;
}

type Pending = {
  agentId: string;
  path: string;
  settle: (result: AgentEvaluationResult) => void;
  timer: unknown;
};

function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `eval_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class AgentEvaluations {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly sockets: EvaluationSockets,
    private readonly clock: Clock,
  ) {}

  /** `POST <path>` with `body` (JSON text) as an agent of `location` answers it. */
  evaluate(location: string, path: string, body: string): Promise<AgentEvaluationResult> {
    if (body.length > MAX_EVALUATION_BODY_CHARS) {
      return Promise.resolve({
        ok: false,
        unreachable: false,
        reason: `the request to evaluate ${path} is larger than the ${MAX_EVALUATION_BODY_CHARS} characters an agent is sent`,
      });
    }
    const loads = this.sockets.loads(location).map((load) => ({ ...load, evaluating: this.#evaluating(load.id) }));
    const agentId = pickEvaluator(loads, this.clock.now(), AGENT_PING_TIMEOUT_MS);
    if (agentId === null) {
      return Promise.resolve({
        ok: false,
        unreachable: true,
        reason: `no agent of code location ${location} is connected to evaluate ${path}`,
      });
    }
    const requestId = newRequestId();
    return new Promise((settle) => {
      const timer = this.clock.setTimeout(
        () =>
          this.#settle(
            requestId,
            unreachable(`agent ${agentId} did not answer ${path} within ${EVALUATION_TIMEOUT_MS} ms`),
          ),
        EVALUATION_TIMEOUT_MS,
      );
      this.#pending.set(requestId, { agentId, path, settle, timer });
      if (!this.sockets.send(agentId, { type: "evaluate", request_id: requestId, path, body })) {
        this.#settle(requestId, unreachable(`agent ${agentId} could not be sent ${path}`));
      }
    });
  }

  /** An agent's answer; one for a request that already ended (timed out) or was another agent's is dropped. */
  answered(agentId: string, evaluation: AgentEvaluation): void {
    const pending = this.#pending.get(evaluation.request_id);
    if (pending?.agentId !== agentId) return;
    this.#settle(evaluation.request_id, { ok: true, status: evaluation.status, body: evaluation.body });
  }

  /** The agent's socket closed or went silent: what it was asked fails at once, as unreachable. */
  agentGone(agentId: string, why: string): void {
    for (const [requestId, pending] of this.#pending) {
      if (pending.agentId === agentId) {
        this.#settle(requestId, unreachable(`agent ${agentId} was lost (${why}) before it answered ${pending.path}`));
      }
    }
  }

  #evaluating(agentId: string): number {
    let count = 0;
    for (const pending of this.#pending.values()) if (pending.agentId === agentId) count++;
    return count;
  }

  #settle(requestId: string, result: AgentEvaluationResult): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    this.clock.clearTimeout(pending.timer);
    pending.settle(result);
  }
}

function unreachable(reason: string): AgentEvaluationResult {
  return { ok: false, unreachable: true, reason };
}
