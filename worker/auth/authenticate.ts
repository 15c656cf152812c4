/**
 * Turns a request's credential into a Principal (DESIGN.md §7): `Authorization: Bearer` with the
 * admin token (the Worker secret that bootstraps an instance) or an API token, or else the
 * dashboard's session cookie. Tokens and sessions are looked up in D1 on every request, so a
 * revoked token, a signed-out session, and the sessions of a revoked token stop at once. A run
 * token, handed to user code on the user's machines, is none of these and is worth nothing here
 * (DESIGN.md §5.3).
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { API_TOKEN_PREFIX, SESSION_COOKIE_NAME } from "../../protocol";
import type { AppEnv } from "../app-env";
import { UnauthorizedError } from "../errors";
import { findLiveSession, findLiveToken, touchToken } from "../storage/access-repo";
import type { Database } from "../storage/db";
import { readBearerToken } from "./bearer-token";
import { ADMIN_OWNER, type Principal, sessionActor, tokenActor } from "./principal";
import { adminSessionKey } from "./session-cookie";
import { constantTimeEqual, sha256Hex } from "./token-hash";

export const ADMIN_PRINCIPAL: Principal = {
  role: "admin",
  actor: "admin token",
  owner: ADMIN_OWNER,
  token: null,
  session: null,
};

export async function isAdminToken(adminToken: string | undefined, presented: string): Promise<boolean> {
  if (!adminToken) return false;
  return constantTimeEqual(await sha256Hex(presented), await sha256Hex(adminToken));
}

/** The principal a bearer secret (admin token or API token) stands for, or null. */
export async function principalOfToken(
  db: Database,
  adminToken: string | undefined,
  secret: string,
  now: number,
): Promise<Principal | null> {
  if (await isAdminToken(adminToken, secret)) return ADMIN_PRINCIPAL;
  if (!secret.startsWith(API_TOKEN_PREFIX)) return null;
  const token = await findLiveToken(db, await sha256Hex(secret), now);
  if (!token) return null;
  await touchToken(db, token.id, now);
  return { role: token.role, actor: tokenActor(token), owner: token.id, token, session: null };
}

export async function authenticate(c: Context<AppEnv>, db: Database, now: number): Promise<Principal> {
  const authorization = c.req.header("authorization");
  const cookie = getCookie(c, SESSION_COOKIE_NAME);
  if (authorization === undefined && cookie !== undefined) {
    const session = await findLiveSession(db, await sha256Hex(cookie), now);
    const adminKey = c.env.ADMIN_TOKEN ? await adminSessionKey(c.env.ADMIN_TOKEN) : null;
    if (session?.token) {
      const { token } = session;
      const { id, expiresAt } = session;
      return { role: token.role, actor: sessionActor(id, token), owner: token.id, token, session: { id, expiresAt } };
    }
    if (session && adminKey !== null && session.adminKey !== null && constantTimeEqual(session.adminKey, adminKey)) {
      const { id, expiresAt } = session;
      return { ...ADMIN_PRINCIPAL, actor: sessionActor(id, null), session: { id, expiresAt } };
    }
    throw new UnauthorizedError(
      "The dashboard session has ended (signed out, expired, or its token revoked); sign in again.",
    );
  }
  const secret = readBearerToken(authorization);
  if (secret === null) {
    throw new UnauthorizedError("Send an API token as `Authorization: Bearer <token>`, or sign in to the dashboard.");
  }
  const principal = await principalOfToken(db, c.env.ADMIN_TOKEN, secret, now);
  if (!principal) {
    throw new UnauthorizedError(
      "The bearer token is not a live API token of this instance (unknown, revoked or expired) nor its admin token.",
    );
  }
  return principal;
}
