/**
 * Sets the protocol's security headers on every reply of the Worker, errors included (the
 * dashboard's static files get theirs from `ui/public/_headers`).
 */
import { createMiddleware } from "hono/factory";
import { API_CSP, COMMON_SECURITY_HEADERS } from "../../protocol/security-headers";
import type { AppEnv } from "../app-env";

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) c.res.headers.set(name, value);
  c.res.headers.set("content-security-policy", API_CSP);
});
