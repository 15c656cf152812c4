/**
 * `/api/agent-tokens`: the tokens `flightdeck agent` connects with, each scoped to one code
 * location, made, listed and revoked by an admin the way API tokens are (tokens.ts): the secret is
 * in the creation reply only, D1 keeps its digest, and every change is audited with its details.
 * A revoked token stops new connections; agents already connected with it keep their socket until
 * it closes (the coordinator does not re-check tokens on a live socket).
 */
import { Hono } from "hono";
import {
  AGENT_TOKEN_PREFIX,
  type AgentTokenList,
  CreateAgentTokenSchema,
  type CreatedAgentTokenReply,
} from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { randomSecret, sha256Hex } from "../auth/token-hash";
import { NotFoundError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { insertAgentToken, listAgentTokens, revokeAgentToken, toAgentToken } from "../storage/agent-tokens-repo";

function newAgentTokenId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `agt_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export const agentTokenRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    return c.json({ tokens: await listAgentTokens(c.get("deps").db) } satisfies AgentTokenList);
  })
  .post("/", async (c) => {
    const body = await readJsonBody(c, CreateAgentTokenSchema);
    const now = Date.now();
    const secret = randomSecret(AGENT_TOKEN_PREFIX);
    const actor = auditActor(c);
    const row = {
      id: newAgentTokenId(),
      name: body.name,
      location: body.location,
      tokenHash: await sha256Hex(secret),
      createdBy: actor,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    await insertAgentToken(c.get("deps").db, row, {
      ts: now,
      actor,
      action: "agent_token.create",
      target: row.id,
      details: { name: row.name, location: row.location },
    });
    return c.json({ token: toAgentToken(row), secret } satisfies CreatedAgentTokenReply, 201);
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const now = Date.now();
    const row = await revokeAgentToken(c.get("deps").db, id, now, {
      ts: now,
      actor: auditActor(c),
      action: "agent_token.revoke",
      target: id,
    });
    if (!row) throw new NotFoundError("token_not_found", `There is no agent token with id ${id}.`);
    return c.json({ token: toAgentToken(row) });
  });
