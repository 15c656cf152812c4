/**
 * An agent as the control plane sees one, for workerd tests: its token, its definitions, and its
 * socket to the run coordinator opened as `flightdeck agent` opens it, with the coordinator's
 * messages read in order. The control plane's side of the agents' contract (protocol/agents.ts).
 */
import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import {
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  CreatedAgentTokenReplySchema,
  type Definitions,
} from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { SAMPLE_DEFINITIONS } from "./fake-code-location";
import { call, ORIGIN } from "./helpers";

export async function makeAgentToken(location: string) {
  const res = await call("POST", "/api/agent-tokens", { body: { name: `${location} agents`, location } });
  expect(res.status).toBe(201);
  return CreatedAgentTokenReplySchema.parse(await res.json());
}

export async function putDefinitions(secret: string, definitions: Definitions = SAMPLE_DEFINITIONS) {
  return call("PUT", "/api/agents/definitions", { token: secret, body: { definitions } });
}

const opened = new Set<WebSocket>();

/**
 * Closes every agent socket a test opened and left open, then waits until the run coordinator has
 * taken every close and decided on the lost agents' runs. A test that ends while the coordinator
 * still does that fails in the background once the file's storage is reset and leaves workerd
 * unable to end the test run, so each file that connects agents calls this after each test.
 * "Taken every close" is the runtime holding no agent socket any more: the agent list alone is
 * not enough, since a socket whose close has arrived leaves it (it is no longer OPEN) before the
 * object's webSocketClose has run. The last settle() comes after that handler, so it also waits
 * for what the coordinator then does in the background for the lost agent's runs.
 */
export async function closeOpenAgents(): Promise<void> {
  for (const ws of opened) {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, "test over");
  }
  opened.clear();
  const stub = coordinatorStub(env);
  await vi.waitFor(
    async () => {
      await stub.settle();
      expect(await stub.agentSocketCount()).toBe(0);
      expect(await stub.agents()).toEqual([]);
    },
    { timeout: 10_000, interval: 20 },
  );
  await stub.settle();
}

/** An agent's socket, as `flightdeck agent` opens it, with its messages read in order. */
export async function connectAgent(secret: string) {
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}/api/agents/connect`, {
      headers: { authorization: `Bearer ${secret}`, upgrade: "websocket" },
    }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no WebSocket in the 101 reply");
  ws.accept();
  opened.add(ws);
  const received: CoordinatorMessage[] = [];
  const waiting: ((message: CoordinatorMessage) => void)[] = [];
  ws.addEventListener("message", (event) => {
    const message = CoordinatorMessageSchema.parse(JSON.parse(String(event.data)));
    const next = waiting.shift();
    if (next) next(message);
    else received.push(message);
  });
  const nextMessage = () =>
    new Promise<CoordinatorMessage>((resolve) => {
      const queued = received.shift();
      if (queued) resolve(queued);
      else waiting.push(resolve);
    });
  return { ws, nextMessage };
}
