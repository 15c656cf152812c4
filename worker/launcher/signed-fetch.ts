/**
 * One signed request from the control plane to a code location server (DESIGN.md §5.2): Standard
 * Webhooks headers made with the location's secret, and a deadline. Failures come back as a
 * sentence that says what was asked and what happened, because the operator reads it in the run's
 * event log or on the workspace page.
 */
import { signWebhook } from "../../protocol";

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** Resolves `globalThis.fetch` at call time, so a test's stand-in is the one used. */
export const defaultFetch: FetchFn = (input, init) => fetch(input, init);

export type SignedRequest = {
  method: "GET" | "POST";
  /** The location's base URL; `path` starts with `/`. */
  baseUrl: string;
  path: string;
  secret: string;
  body?: unknown;
  timeoutMs: number;
};

/**
 * `unreachable`: the code location server could not be reached — no connection (refused, reset,
 * lost), no answer in time, or a gateway's 502/503/504 in front of it. Dagster's
 * DagsterUserCodeUnreachableError: a run launch or a schedule tick waits for the server to come
 * back instead of failing for good. Any other failure is the server's answer, and final.
 */
export type SignedReply =
  | { ok: true; status: number; text: string }
  | { ok: false; reason: string; unreachable: boolean };

const GATEWAY_STATUSES = new Set([502, 503, 504]);

/** The longest part of a server's reply quoted in an error. */
const MAX_QUOTED_BODY = 2000;

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

export async function sendSignedRequest(fetchFn: FetchFn, req: SignedRequest): Promise<SignedReply> {
  const url = joinUrl(req.baseUrl, req.path);
  const what = `${req.method} ${url}`;
  const body = req.body === undefined ? "" : JSON.stringify(req.body);
  const headers: Record<string, string> = { ...(await signWebhook(req.secret, body)) };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: req.method,
      headers,
      ...(req.method === "GET" ? {} : { body }),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return { ok: false, unreachable: true, reason: `${what} did not answer within ${req.timeoutMs} ms` };
    }
    // workerd words a refused or reset connection "Network connection lost.": say what is known.
    const detail = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
    return {
      ok: false,
      unreachable: true,
      reason: `${what} could not be reached (no connection to the code location server: ${detail})`,
    };
  }
  const text = await response.text();
  if (!response.ok) {
    const quoted = text.length > MAX_QUOTED_BODY ? `${text.slice(0, MAX_QUOTED_BODY)}…` : text;
    return {
      ok: false,
      unreachable: GATEWAY_STATUSES.has(response.status),
      reason: `${what} answered ${response.status} ${response.statusText}`.trimEnd() + (quoted ? `: ${quoted}` : ""),
    };
  }
  return { ok: true, status: response.status, text };
}
