/**
 * The dashboard's session cookie (DESIGN.md §7): after signing in with a token, the browser holds
 * an HttpOnly, SameSite=Strict cookie instead of the token. The cookie is a random secret; the
 * control plane keeps its digest in the `sessions` table (storage/schema-access.ts), so signing out
 * or revoking the token the session was made from ends it on the next request, not at expiry.
 * `Secure` is set except for plain-http loopback (local `wrangler dev`), where browsers would
 * otherwise drop the cookie.
 */
import { SESSION_COOKIE_NAME } from "../../protocol";
import { randomSecret, sha256Hex } from "./token-hash";

export const SESSION_SECRET_PREFIX = "fds_";

export function newSessionSecret(): string {
  return randomSecret(SESSION_SECRET_PREFIX);
}

/**
 * What a session made with the admin token remembers of it: a digest distinct from every other
 * use of the token, so rotating the Worker secret ends those sessions at once.
 */
export function adminSessionKey(adminToken: string): Promise<string> {
  return sha256Hex(`flightdeck-session:${adminToken}`);
}

/** Plain http on a loopback host: local development, where a Secure cookie would be dropped. */
export function isLocalHttp(requestUrl: string): boolean {
  const url = new URL(requestUrl);
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export function sessionCookieOptions(requestUrl: string, maxAgeSeconds: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalHttp(requestUrl),
    maxAge: maxAgeSeconds,
  } as const;
}

export { SESSION_COOKIE_NAME };
