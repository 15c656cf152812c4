/** Reads `Authorization: Bearer <token>`; null when the header is absent or not a bearer token. */
export function readBearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}
