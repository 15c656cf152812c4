/**
 * Who is calling, once their credential checked out: the role they hold, how audit rows name them,
 * and whose runs are theirs (the `flightdeck/user` tag a launch records).
 */
import type { Role } from "../../protocol";

export type Principal = {
  role: Role;
  /** As audit rows name the actor: `admin token`, `token "ci" (tok_…)`, `session 1a2b3c4d (token "ci")`. */
  actor: string;
  /** Whose runs: the API token's id (a session's too), or `admin` for the admin token. */
  owner: string;
  /** The API token behind the credential (a session's too); null for the admin token. */
  token: { id: string; name: string } | null;
  /** Set for a dashboard session, whose changes must come from the dashboard's origin. */
  session: { id: string; expiresAt: number } | null;
};

export const ADMIN_OWNER = "admin";

export function tokenActor(token: { id: string; name: string }): string {
  return `token ${JSON.stringify(token.name)} (${token.id})`;
}

export function sessionActor(sessionId: string, token: { id: string; name: string } | null): string {
  return `session ${sessionId.slice(0, 8)} (${token ? tokenActor(token) : "admin token"})`;
}
