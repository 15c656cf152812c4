/**
 * What the run coordinator object shows to agents: the entry points workerd calls on the object
 * itself for hibernatable WebSockets (the upgrade the Worker forwards, then each socket's messages,
 * close and error) and the RPC methods that list agents or reach one (launch, terminate, evaluate). A base class because workerd
 * and RPC call these on the object, and all of them only hand over to CoordinatorAgents.
 */
import { DurableObject } from "cloudflare:workers";
import type { LaunchRequest } from "../../../protocol";
import type { AgentEvaluator } from "../../daemon/remote-evaluation";
import type { AgentLaunches } from "../../launcher/location-routing-launcher";
import type { CoordinatorAgents } from "./coordinator-agents";

export abstract class AgentFacingObject extends DurableObject<Env> implements AgentLaunches, AgentEvaluator {
  /** Agents' sockets, capacity and placements; the object builds it in its constructor. */
  protected abstract readonly agentHub: CoordinatorAgents;

  /** An agent's WebSocket upgrade, forwarded by the Worker (api/agents.ts); hibernatable sockets from here on. */
  override async fetch(request: Request): Promise<Response> {
    return this.agentHub.accept(request);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.agentHub.message(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.agentHub.closed(ws, `its socket closed (${code}${reason ? ` ${reason}` : ""})`);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.agentHub.closed(ws, "its socket failed");
  }

  /** The connected agents (GET /api/agents). */
  async agents() {
    return this.agentHub.list();
  }

  /**
   * How many agent sockets the runtime still holds, closing ones included: none once every close
   * has been handed to webSocketClose (a socket stops being OPEN before that). Tests wait on it.
   */
  async agentSocketCount(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  async launchOnAgent(request: LaunchRequest) {
    return this.agentHub.launchOnAgent(request);
  }

  async terminateOnAgent(runId: string) {
    return this.agentHub.terminateOnAgent(runId);
  }

  /** A schedule tick or a sensor evaluated by an agent of `location` (agents/agent-evaluations.ts); a result, never a throw. */
  async evaluateOnAgent(location: string, path: string, body: string) {
    return this.agentHub.evaluateOnAgent(location, path, body);
  }
}
