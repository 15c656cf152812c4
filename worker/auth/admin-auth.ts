/**
 * Admin authentication for the API (DESIGN.md §7): `Authorization: Bearer <ADMIN_TOKEN>`, the
 * Worker secret that bootstraps an instance, or the dashboard's session cookie issued for it
 * (auth/session-cookie.ts), whose mutations must also come from this origin (auth/origin-check.ts).
 * Only the admin token passes: a run token, which is handed to user code on the user's machines,
 * must be worth nothing here (DESIGN.md §5.3). There are no other API tokens, so no roles.
 */
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { SESSION_COOKIE_NAME } from "../../protocol";
import type { AppEnv } from "../app-env";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { readBearerToken } from "./bearer-token";
import { hasSameOrigin, isSafeMethod } from "./origin-check";
import { verifySession } from "./session-cookie";
import { sha256Hex, tokenMatchesHash } from "./token-hash";

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const adminToken = c.env.ADMIN_TOKEN;
  if (!adminToken) {
    throw new UnauthorizedError(
      "This instance has no ADMIN_TOKEN; set it with `wrangler secret put ADMIN_TOKEN` (or in .dev.vars).",
    );
  }
  const authorization = c.req.header("authorization");
  const session = getCookie(c, SESSION_COOKIE_NAME);
  if (authorization === undefined && session !== undefined) {
    if ((await verifySession(adminToken, session, Date.now())) === null) {
      throw new UnauthorizedError("The dashboard session has expired or is not valid; sign in again.");
    }
    if (!isSafeMethod(c.req.method) && !hasSameOrigin(c.req.url, c.req.header("origin"))) {
      throw new ForbiddenError("A change made with the dashboard session must come from the dashboard's own origin.");
    }
    await next();
    return;
  }
  const token = readBearerToken(authorization);
  if (token === null) {
    throw new UnauthorizedError("Send the admin token as `Authorization: Bearer <token>`.");
  }
  if (!(await tokenMatchesHash(token, await sha256Hex(adminToken)))) {
    throw new UnauthorizedError("The bearer token is not this instance's admin token.");
  }
  await next();
});
