/**
 * An agent as the control plane sees one, for workerd tests: its token, its definitions, and its
 * socket to the run coordinator opened as `flightdeck agent` opens it, with the coordinator's
 * messages read in order. The control plane's side of the agents' contract (protocol/agents.ts).
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import {
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  CreatedAgentTokenReplySchema,
  type Definitions,
} from "../../protocol";
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
