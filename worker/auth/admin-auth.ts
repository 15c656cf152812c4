/**
 * Admin authentication for the API (DESIGN.md §7): `Authorization: Bearer <ADMIN_TOKEN>`, the
 * Worker secret that bootstraps an instance. Only the admin token passes: a run token, which is
 * handed to user code on the user's machines, must be worth nothing here (DESIGN.md §5.3).
 * API tokens with roles and the dashboard's session cookie are later issues; they slot in here.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { UnauthorizedError } from "../errors";
import { readBearerToken } from "./bearer-token";
import { sha256Hex, tokenMatchesHash } from "./token-hash";

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const adminToken = c.env.ADMIN_TOKEN;
  if (!adminToken) {
    throw new UnauthorizedError(
      "This instance has no ADMIN_TOKEN; set it with `wrangler secret put ADMIN_TOKEN` (or in .dev.vars).",
    );
  }
  const token = readBearerToken(c.req.header("authorization"));
  if (token === null) {
    throw new UnauthorizedError("Send the admin token as `Authorization: Bearer <token>`.");
  }
  if (!(await tokenMatchesHash(token, await sha256Hex(adminToken)))) {
    throw new UnauthorizedError("The bearer token is not this instance's admin token.");
  }
  await next();
});
