/**
 * Hashing and constant-time comparison of bearer tokens. Tokens are compared as SHA-256 digests,
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
