/**
 * Making, hashing and comparing in constant time the bearer secrets (run tokens, API tokens,
 * session cookies). Tokens are compared as SHA-256 digests,
 * so the comparison always runs over 32 bytes whatever the lengths of the tokens, and only
 * digests are ever stored.
 */

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Equal strings of the same length compare in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether `token` hashes to `expectedHash` (hex SHA-256), in constant time. */
export async function tokenMatchesHash(token: string, expectedHash: string): Promise<boolean> {
  return constantTimeEqual(await sha256Hex(token), expectedHash);
}

/** A new secret: the prefix (so secret scanners and people can tell what a leaked string is) and 32 random bytes, base64url. */
export function randomSecret(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return (
    prefix +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "")
  );
}
