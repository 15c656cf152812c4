/**
 * Run tokens (DESIGN.md §5.3): the bearer credential a run worker posts its events with. A fresh
 * token is made for each launch (one run, one attempt); only its SHA-256 digest is stored on the
 * run, and launching the next attempt replaces it, so a token is worthless for any other run, any
 * other attempt, and — since the admin middleware never looks at it — any other endpoint.
 */
import { randomSecret, sha256Hex } from "./token-hash";

/** Recognizable prefix, so secret scanners and people can tell what a leaked string is. */
export const RUN_TOKEN_PREFIX = "fdrt_";

export type IssuedRunToken = { token: string; hash: string };

export async function issueRunToken(): Promise<IssuedRunToken> {
  const token = randomSecret(RUN_TOKEN_PREFIX);
  return { token, hash: await sha256Hex(token) };
}
