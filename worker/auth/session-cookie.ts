/**
 * The dashboard's session (DESIGN.md §7): after signing in with a token, the browser holds an
 * HttpOnly, SameSite=Strict cookie instead of the token. The cookie is stateless and signed:
 * `v1.<expires_at>.<HMAC-SHA256>` keyed by a key derived from the admin token, so it expires on its
 * own, cannot be forged or extended, and rotating the admin token ends every session at once.
 * `Secure` is set except for plain-http loopback (local `wrangler dev`), where browsers would
 * otherwise drop the cookie.
 */
import { SESSION_COOKIE_NAME } from "../../protocol";
import { constantTimeEqual } from "./token-hash";

const VERSION = "v1";

function base64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sessionKey(adminToken: string): Promise<CryptoKey> {
  // A distinct key per purpose: the cookie's MAC never equals anything else derived from the token.
  const material = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`flightdeck-session:${adminToken}`));
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function mac(adminToken: string, payload: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await sessionKey(adminToken), new TextEncoder().encode(payload));
  return base64Url(new Uint8Array(sig));
}

export async function issueSession(adminToken: string, expiresAt: number): Promise<string> {
  const payload = `${VERSION}.${expiresAt}`;
  return `${payload}.${await mac(adminToken, payload)}`;
}

/** The session's expiry when `value` is a cookie this instance issued and it has not expired; else null. */
export async function verifySession(
  adminToken: string,
  value: string | undefined,
  now: number,
): Promise<number | null> {
  if (!value) return null;
  const match = /^v1\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  const expiresAt = Number(match[1]);
  if (!constantTimeEqual(match[2], await mac(adminToken, `${VERSION}.${expiresAt}`))) return null;
  return expiresAt > now ? expiresAt : null;
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
