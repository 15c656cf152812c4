/**
 * The agent token's check, for the routes a `flightdeck agent` calls (`agent_token` in the route
 * table): the bearer secret must be a live agent token, and what it may do is limited to the one
 * code location it was made for. Like a run token it is worth nothing on any other route.
 */
import { AGENT_TOKEN_PREFIX } from "../../protocol";
import { UnauthorizedError } from "../errors";
import { findLiveAgentToken } from "../storage/agent-tokens-repo";
import type { Database } from "../storage/db";
import { readBearerToken } from "./bearer-token";
import { sha256Hex } from "./token-hash";

export type AgentScope = { tokenId: string; location: string };

export async function authorizeAgentToken(
  db: Database,
  authorization: string | undefined,
  now: number,
): Promise<AgentScope> {
  const secret = readBearerToken(authorization);
  if (secret === null || !secret.startsWith(AGENT_TOKEN_PREFIX)) {
    throw new UnauthorizedError(
      `Send an agent token (${AGENT_TOKEN_PREFIX}…, made with POST /api/agent-tokens) as \`Authorization: Bearer <token>\`.`,
    );
  }
  const row = await findLiveAgentToken(db, await sha256Hex(secret), now);
  if (!row)
    throw new UnauthorizedError("The agent token is not a live agent token of this instance (unknown or revoked).");
  return { tokenId: row.id, location: row.location };
}
