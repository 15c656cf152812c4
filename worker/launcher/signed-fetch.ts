/**
 * One signed request from the control plane to a code location server (DESIGN.md §5.2): Standard
 * Webhooks headers made with the location's secret over the request's method, path and body
 * (protocol/webhook-signature.ts), and a deadline. Failures come back as a sentence that says what
 * was asked and what happened, because the operator reads it in the run's event log or on the
 * workspace page.
 *
 * What a reply can make the control plane do or say is narrow on purpose, because a registered
 * URL could point anywhere — at an internal service, say:
 * - redirects are not followed: the signed headers would go to wherever the redirect points, and
 *   the reply would come from a server nobody registered. A 3xx is a failure naming the status.
 * - of a non-2xx reply, only what a code location server says is quoted: the message of the
 *   protocol's error envelope, capped. Any other body is not repeated, so an error can never
 *   carry a page of someone else's service into `load_error` or the event log.
 * - a 2xx body is read up to MAX_REPLY_BYTES.
 */
import { ErrorEnvelopeSchema, parseBoundedJson, signWebhook } from "../../protocol";

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

/** The longest error message of a code location server quoted in an error. */
const MAX_QUOTED_MESSAGE = 500;
/** The largest reply read: definitions of big code locations fit with room to spare. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

/** The reply's body as text, or null once it passes `maxBytes` (the rest is not read). */
async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** `: <message>` when `text` is the protocol's error envelope, else nothing. */
function quotedEnvelope(text: string): string {
  const json = parseBoundedJson(text);
  const envelope = json.ok ? ErrorEnvelopeSchema.safeParse(json.value) : null;
  if (!envelope?.success) return " (not an error reply of a code location server)";
  const { code, message } = envelope.data.error;
  const capped = message.length > MAX_QUOTED_MESSAGE ? `${message.slice(0, MAX_QUOTED_MESSAGE)}…` : message;
  return `: ${code}: ${capped}`;
}

export async function sendSignedRequest(fetchFn: FetchFn, req: SignedRequest): Promise<SignedReply> {
  const url = joinUrl(req.baseUrl, req.path);
  const what = `${req.method} ${url}`;
  const body = req.body === undefined ? "" : JSON.stringify(req.body);
  const signedPath = new URL(url).pathname + new URL(url).search;
  const headers: Record<string, string> = {
    ...(await signWebhook(req.secret, { method: req.method, path: signedPath, body })),
  };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: req.method,
      headers,
      redirect: "manual",
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
  const status = `${response.status} ${response.statusText}`.trimEnd();
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    return {
      ok: false,
      unreachable: false,
      reason: `${what} answered ${status}, a redirect, which is not followed; register the code location by the URL it serves at`,
    };
  }
  const text = await readCapped(response, MAX_REPLY_BYTES);
  if (text === null) {
    return {
      ok: false,
      unreachable: false,
      reason: `${what} answered ${status} with more than ${MAX_REPLY_BYTES} bytes`,
    };
  }
  if (!response.ok) return failedAnswer(what, response.status, status, text);
  return { ok: true, status: response.status, text };
}

/**
 * A code location's non-2xx answer (over HTTP, or an agent's on its socket) as the failure it is:
 * its error envelope's message quoted, unreachable for a gateway's status.
 */
export function failedAnswer(what: string, status: number, statusLine: string, text: string): SignedReply {
  return {
    ok: false,
    unreachable: GATEWAY_STATUSES.has(status),
    reason: `${what} answered ${statusLine}${quotedEnvelope(text)}`,
  };
}
