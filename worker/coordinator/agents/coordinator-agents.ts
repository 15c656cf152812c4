/**
 * The agents' part of the run coordinator object, so the object stays thin: it delegates its
 * `fetch` (an agent's upgrade) and socket events here, asks here for the agent locations' capacity
 * before an admission pass and places what the pass admitted, sends launches and terminations to
 * agents (it is the object's AgentLaunches), evaluates schedules and sensors on them
 * (agent-evaluations.ts), and has the runs of a lost agent decided on at once
 * (daemon/agent-lost.ts), in the background — its unanswered evaluations fail at once.
 */
import type { LaunchRequest } from "../../../protocol";
import { actOnLostAgentRuns } from "../../daemon/agent-lost";
import { monitoringDepsOf } from "../../daemon/daemon";
import type { AgentEvaluationResult, AgentEvaluator } from "../../daemon/remote-evaluation";
import type { AgentLaunches } from "../../launcher/location-routing-launcher";
import type { LaunchOutcome, TerminateOutcome } from "../../launcher/run-launcher";
import type { Deps } from "../../wiring";
import type { Clock } from "../clock";
import { type AgentLocationCapacity, type LocationCapacity, trackAgentCapacity } from "./agent-capacity";
import { AgentEvaluations } from "./agent-evaluations";
import { AgentSocketHost, type LostAgent } from "./agent-socket-host";

/** The header the Worker's connect route names the agent token's code location in. */
export const AGENT_LOCATION_HEADER = "x-flightdeck-agent-location";

export type AgentsHost = {
  deps(): Promise<Deps>;
  /** Runs work in the background, kept alive and tracked (the object's alarm passes). */
  inBackground(work: Promise<void>): void;
  admit(): Promise<void>;
};

export class CoordinatorAgents implements AgentLaunches, AgentEvaluator {
  readonly #sockets: AgentSocketHost;
  readonly #evaluations: AgentEvaluations;

  constructor(
    ctx: DurableObjectState,
    private readonly clock: Clock,
    private readonly host: AgentsHost,
  ) {
    this.#sockets = new AgentSocketHost(ctx, clock);
    this.#evaluations = new AgentEvaluations(
      { loads: (location) => this.#sockets.loads(location), send: (id, message) => this.#sockets.sendTo(id, message) },
      clock,
    );
  }

  /** The Worker forwarded an agent's upgrade, its token checked. */
  accept(request: Request): Response {
    const location = request.headers.get(AGENT_LOCATION_HEADER);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !location) {
      return new Response("expected an agent's WebSocket upgrade", { status: 426 });
    }
    return this.#sockets.accept(location);
  }

  async message(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const received = this.#sockets.message(ws, data);
    if (received === "welcomed") await this.host.admit();
    else if (received) this.#evaluations.answered(received.agentId, received.evaluation);
  }

  closed(ws: WebSocket, why: string): void {
    const lost = this.#sockets.closed(ws, why);
    if (lost) this.#lost([lost]);
  }

  /** Agents that stopped pinging are lost (the alarm calls this while agents hold runs). */
  checkPings(now: number): void {
    this.#lost(this.#sockets.missedPings(now));
  }

  nextPingCheckAt(now: number): number | null {
    return this.#sockets.nextPingCheckAt(now);
  }

  /** The agent locations' free runs for one admission pass. */
  capacityFor(inProgress: readonly { id: string }[], now: number): LocationCapacity {
    return trackAgentCapacity(this.capacities(inProgress, now));
  }

  capacities(inProgress: readonly { id: string }[], now: number): AgentLocationCapacity[] {
    return this.#sockets.capacities(new Set(inProgress.map((run) => run.id)), now);
  }

  placeAdmitted(runs: readonly { id: string; location?: string | null }[], now: number): void {
    this.#sockets.placeAdmitted(runs, now);
  }

  release(runIds: readonly string[]): void {
    this.#sockets.release(runIds);
  }

  list() {
    return this.#sockets.list(this.clock.now());
  }

  async launchOnAgent(request: LaunchRequest): Promise<LaunchOutcome> {
    return this.#sockets.launch(request);
  }

  async terminateOnAgent(runId: string): Promise<TerminateOutcome> {
    return this.#sockets.terminate(runId);
  }

  /** `POST <path>` with `body` (JSON text) as one of the location's connected agents answers it. */
  async evaluateOnAgent(location: string, path: string, body: string): Promise<AgentEvaluationResult> {
    return this.#evaluations.evaluate(location, path, body);
  }

  #lost(lost: readonly LostAgent[]): void {
    for (const agent of lost) {
      this.#evaluations.agentGone(agent.agentId, agent.why);
      console.log(
        `run coordinator: agent ${agent.agentId} of ${agent.location} lost (${agent.why}); runs: ${agent.runIds.length}`,
      );
      if (agent.runIds.length > 0) this.host.inBackground(this.#actOn(agent));
    }
  }

  async #actOn(agent: LostAgent): Promise<void> {
    try {
      const deps = await this.host.deps();
      await actOnLostAgentRuns(await monitoringDepsOf(deps, this.clock.now()), agent);
    } catch (error) {
      console.error(`run coordinator: the runs of lost agent ${agent.agentId} could not be decided on:`, error);
    }
  }
}
