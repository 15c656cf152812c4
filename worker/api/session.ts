/**
 * `/api/session`: the dashboard signs in by trading the admin token for a session cookie
 * (POST), asks whether it is signed in (GET), and signs out (DELETE). The token is checked once
 * and never stored or echoed; see auth/session-cookie.ts for what the cookie holds.
 */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { z } from "zod";
import { CreateSessionSchema, SESSION_COOKIE_NAME, SESSION_TTL_MS, type SessionReplySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { hasSameOrigin } from "../auth/origin-check";
import { issueSession, sessionCookieOptions, verifySession } from "../auth/session-cookie";
import { sha256Hex, tokenMatchesHash } from "../auth/token-hash";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { readJsonBody } from "../http/read-json-body";

type SessionReply = z.infer<typeof SessionReplySchema>;

export const sessionRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    // Signing in from another site's page would plant that site's choice of session: refuse it.
    const origin = c.req.header("origin");
    if (origin !== undefined && !hasSameOrigin(c.req.url, origin)) {
      throw new ForbiddenError("Sign in from the dashboard itself; this request came from another origin.");
    }
    const { token } = await readJsonBody(c, CreateSessionSchema);
    const adminToken = c.env.ADMIN_TOKEN;
    if (!adminToken || !(await tokenMatchesHash(token, await sha256Hex(adminToken)))) {
      throw new UnauthorizedError("That token is not valid for this instance. Check it and try again.");
    }
    const expiresAt = Date.now() + SESSION_TTL_MS;
    setCookie(
      c,
      SESSION_COOKIE_NAME,
      await issueSession(adminToken, expiresAt),
      sessionCookieOptions(c.req.url, SESSION_TTL_MS / 1000),
    );
    return c.json({ session: { role: "admin", expires_at: expiresAt } } satisfies SessionReply);
  })
  .get("/", async (c) => {
    const expiresAt = c.env.ADMIN_TOKEN
      ? await verifySession(c.env.ADMIN_TOKEN, getCookie(c, SESSION_COOKIE_NAME), Date.now())
      : null;
    if (expiresAt === null) throw new UnauthorizedError("Not signed in, or the session has expired; sign in again.");
    return c.json({ session: { role: "admin", expires_at: expiresAt } } satisfies SessionReply);
  })
  .delete("/", (c) => {
    deleteCookie(c, SESSION_COOKIE_NAME, sessionCookieOptions(c.req.url, 0));
    return c.body(null, 204);
  });
