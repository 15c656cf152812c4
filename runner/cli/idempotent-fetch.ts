/**
 * `fetch`, sent once more when a GET or HEAD fails before any reply because its connection was
 * closed under it. A server may close a kept-alive connection just as the client sends the next
 * request on it; the client then gets "other side closed" for a request the server never read.
 * Browsers resend such a request on a new connection; undici's fetch does not. An idempotent
 * request may be sent again safely (RFC 9110 §9.2.2); a POST is not, since the server may have
 * acted on it, so its failure is the caller's to report.
 */
const CLOSED_CONNECTION_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);

export async function fetchResendingIdempotent(input: string | URL, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (!isIdempotent(init.method) || !closedUnder(error)) throw error;
    return fetch(input, init);
  }
}

function isIdempotent(method: string | undefined): boolean {
  const m = (method ?? "GET").toUpperCase();
  return m === "GET" || m === "HEAD";
}

function closedUnder(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === "string" && CLOSED_CONNECTION_CODES.has(code);
}
