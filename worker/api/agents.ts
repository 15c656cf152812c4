/**
 * `/api/agents`: what people see of the agents (`GET /api/agents`: connected agents with their
 * code location, capacity, runs and last ping) and the two routes a `flightdeck agent` calls with
 * its agent token (auth/agent-token.ts): `PUT /api/agents/definitions` registers (or updates) its
 * code location from the definitions it serves, and `GET /api/agents/connect` opens its socket,
 * the upgrade handed to the run coordinator object, where the socket lives (hibernatable).
 */
import { Hono } from "hono";
import { AgentDefinitionsSchema, type AgentList } from "../../protocol";
import type { AppEnv } from "../app-env";
import { authorizeAgentToken } from "../auth/agent-token";
import { definitionsVersion, saveAgentLocation } from "../code-locations/agent-location";
import { AGENT_LOCATION_HEADER } from "../coordinator/agents/coordinator-agents";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { takeUpLoadedSchedules } from "../daemon/location-loaded";
import { DomainError } from "../errors";
import { readJsonBody } from "../http/read-json-body";

class UpgradeRequiredError extends DomainError {
  constructor() {
    super(426, "bad_request", "GET /api/agents/connect opens an agent's WebSocket: send `Upgrade: websocket`.");
  }
}

export const agentRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    return c.json({ agents: await coordinatorStub(c.env).agents() } satisfies AgentList);
  })
  .put("/definitions", async (c) => {
    const { db } = c.get("deps");
    const now = Date.now();
    const scope = await authorizeAgentToken(db, c.req.header("authorization"), now);
    const { definitions } = await readJsonBody(c, AgentDefinitionsSchema);
    await saveAgentLocation(db, scope.location, definitions, now);
    // Its default-RUNNING schedules are taken up now, as a pushed location's are when it loads.
    await takeUpLoadedSchedules(db, scope.location, definitions, now);
    return c.json({ location: scope.location, definitions_version: await definitionsVersion(definitions) });
  })
  .get("/connect", async (c) => {
    const scope = await authorizeAgentToken(c.get("deps").db, c.req.header("authorization"), Date.now());
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new UpgradeRequiredError();
    const headers = new Headers({ upgrade: "websocket", [AGENT_LOCATION_HEADER]: scope.location });
    const reply = await coordinatorStub(c.env).fetch(new Request(c.req.url, { headers }));
    // A fresh Response: the object's has immutable headers, which the security headers would set.
    return new Response(reply.body, { status: reply.status, headers: reply.headers, webSocket: reply.webSocket });
  });
