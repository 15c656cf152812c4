/**
 * A code location served by agents: registered (or updated) from the definitions an agent sends
 * when it starts, instead of being loaded from a server's URL (workspace.ts). Its URL is the
 * `agent://<name>` marker (protocol/agents.ts): nothing dials it, launches go over the agents'
 * sockets. A name taken by a pushed code location server is refused, so one location is never
 * served both ways.
 */
import type { Definitions } from "../../protocol";
import { agentLocationUrl, isAgentLocationUrl } from "../../protocol";
import { randomSecret } from "../auth/token-hash";
import { ConflictError } from "../errors";
import { getCodeLocationEndpoint, upsertCodeLocation } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";

/** A digest of the definitions, so agents of one location on two versions show it. */
export async function definitionsVersion(definitions: Definitions): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(definitions)));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function saveAgentLocation(
  db: Database,
  location: string,
  definitions: Definitions,
  now: number,
): Promise<void> {
  const existing = await getCodeLocationEndpoint(db, location);
  if (existing && !isAgentLocationUrl(existing.url)) {
    throw new ConflictError(
      "conflict",
      `Code location ${location} is served by the code location server at ${existing.url}; remove it (DELETE /api/code-locations/${location}) before serving it with agents.`,
    );
  }
  // The secret signs nothing (no request goes to an agent location); the column wants one.
  const endpoint = {
    name: location,
    url: agentLocationUrl(location),
    secret: existing?.secret ?? randomSecret("whsec_"),
  };
  await upsertCodeLocation(db, endpoint, { status: "LOADED", definitions, loadedAt: now }, now);
}

export function agentLocationReloadRefused(location: string): ConflictError {
  return new ConflictError(
    "conflict",
    `Code location ${location} is served by agents: its definitions come from them when they start; restart them (flightdeck agent) to load new ones.`,
  );
}
