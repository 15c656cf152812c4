/**
 * `/api/session`: the dashboard signs in by trading a token — an API token, or the admin token —
 * for a session cookie (POST), asks who is signed in (GET), and signs out (DELETE). The token is
 * checked once and never stored or echoed; the session holds the token's role and lives in D1
 * (auth/session-cookie.ts), so signing out or revoking the token ends it at once.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { CreateSessionSchema, SESSION_COOKIE_NAME, SESSION_TTL_MS, type SessionReply } from "../../protocol";
import type { AppEnv } from "../app-env";
import { authenticate, principalOfToken } from "../auth/authenticate";
import { hasSameOrigin } from "../auth/origin-check";
import { sessionActor } from "../auth/principal";
import { adminSessionKey, newSessionSecret, sessionCookieOptions } from "../auth/session-cookie";
import { sha256Hex } from "../auth/token-hash";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { deleteExpiredSessions, deleteSession, findLiveSession, insertSession } from "../storage/access-repo";
import { appendAudit } from "../storage/instance-overrides-repo";

function refuseOtherOrigin(c: Context<AppEnv>, what: string): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && !hasSameOrigin(c.req.url, origin)) {
    throw new ForbiddenError(`${what} from the dashboard itself; this request came from another origin.`);
  }
}

export const sessionRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    // Signing in from another site's page would plant that site's choice of session: refuse it.
    refuseOtherOrigin(c, "Sign in");
    const { token } = await readJsonBody(c, CreateSessionSchema);
    const { db } = c.get("deps");
    const now = Date.now();
    const principal = await principalOfToken(db, c.env.ADMIN_TOKEN, token, now);
    if (!principal) throw new UnauthorizedError("That token is not valid for this instance. Check it and try again.");
    const secret = newSessionSecret();
    const id = crypto.randomUUID();
    const expiresAt = now + SESSION_TTL_MS;
    const adminKey = principal.token === null && c.env.ADMIN_TOKEN ? await adminSessionKey(c.env.ADMIN_TOKEN) : null;
    await deleteExpiredSessions(db, now);
    await insertSession(db, {
      id,
      secretHash: await sha256Hex(secret),
      tokenId: principal.token?.id ?? null,
      adminKey,
      createdAt: now,
      expiresAt,
    });
    const actor = sessionActor(id, principal.token);
    await appendAudit(db, { ts: now, actor, action: "session.create", target: id });
    setCookie(c, SESSION_COOKIE_NAME, secret, sessionCookieOptions(c.req.url, SESSION_TTL_MS / 1000));
    return c.json({ session: { id, role: principal.role, actor, expires_at: expiresAt } } satisfies SessionReply);
  })
  .get("/", async (c) => {
    const principal =
      getCookie(c, SESSION_COOKIE_NAME) === undefined ? null : await authenticate(c, c.get("deps").db, Date.now());
    const session = principal?.session;
    if (!principal || !session)
      throw new UnauthorizedError("Not signed in, or the session has expired; sign in again.");
    return c.json({
      session: { id: session.id, role: principal.role, actor: principal.actor, expires_at: session.expiresAt },
    } satisfies SessionReply);
  })
  .delete("/", async (c) => {
    refuseOtherOrigin(c, "Sign out");
    const secret = getCookie(c, SESSION_COOKIE_NAME);
    if (secret !== undefined) {
      const { db } = c.get("deps");
      const session = await findLiveSession(db, await sha256Hex(secret), Date.now());
      await deleteSession(db, await sha256Hex(secret));
      if (session) {
        const actor = sessionActor(session.id, session.token);
        await appendAudit(db, { ts: Date.now(), actor, action: "session.delete", target: session.id });
      }
    }
    deleteCookie(c, SESSION_COOKIE_NAME, sessionCookieOptions(c.req.url, 0));
    return c.body(null, 204);
  });
