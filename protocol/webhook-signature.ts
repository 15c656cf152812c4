/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the control plane signs every
 * request to a code location server with the location's secret; the server verifies it.
 * WebCrypto only, so the same code runs in workerd and Node.
 *
 * Signed content: `${webhook-id}.${webhook-timestamp}.${METHOD} ${path}\n${body}`; signature
 * `v1,<base64 HMAC-SHA256>`. Secrets are `whsec_<base64 of at least 24 random bytes>`.
 *
 * One departure from Standard Webhooks, on purpose: the request line (method and path, with its
 * query) is part of what is signed. A webhook is always a POST to one URL, so the standard signs
 * only the body; the control plane calls several routes of a code location server, and with the
 * body alone the headers of a signed empty-body `GET /definitions` would pass for an empty-body
 * `POST /runs/:id/terminate`. The verifier rebuilds the request line from the request it got, so
 * a signature made for one route fails on every other.
 */

export const WEBHOOK_ID_HEADER = "webhook-id";
export const WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "webhook-signature";
export const SECRET_PREFIX = "whsec_";
/** How far a request's timestamp may be from the verifier's clock. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = {
  [WEBHOOK_ID_HEADER]: string;
  [WEBHOOK_TIMESTAMP_HEADER]: string;
  [WEBHOOK_SIGNATURE_HEADER]: string;
};

export type VerifyFailure = "missing_headers" | "bad_timestamp" | "timestamp_out_of_tolerance" | "bad_signature";

export type VerifyResult = { ok: true; id: string } | { ok: false; reason: VerifyFailure };

/** What a signature covers besides id and timestamp: the request line and the body. */
export type SignedTarget = { method: string; path: string; body: string };

function signedContent(id: string, timestamp: string, target: SignedTarget): string {
  return `${id}.${timestamp}.${target.method.toUpperCase()} ${target.path}\n${target.body}`;
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Returns the key bytes of a `whsec_` secret, or null when it is malformed or too short. */
export function parseSecret(secret: string): Uint8Array<ArrayBuffer> | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  try {
    const key = base64ToBytes(secret.slice(SECRET_PREFIX.length));
    return key.length >= 24 ? key : null;
  } catch {
    // atob throws on characters outside base64: that is exactly "malformed".
    return null;
  }
}

export function isValidSecret(secret: string): boolean {
  return parseSecret(secret) !== null;
}

export function generateSecret(): string {
  return SECRET_PREFIX + bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
}

async function hmac(key: Uint8Array<ArrayBuffer>, content: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(content)));
}

function requireKey(secret: string): Uint8Array<ArrayBuffer> {
  const key = parseSecret(secret);
  if (!key) throw new Error("webhook secret must be 'whsec_' followed by base64 of at least 24 bytes");
  return key;
}

/** Headers for one signed request. `nowSeconds` and `id` are parameters so tests can pin them. */
export async function signWebhook(
  secret: string,
  target: SignedTarget,
  opts: { id?: string; nowSeconds?: number } = {},
): Promise<WebhookHeaders> {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(opts.nowSeconds ?? Math.floor(Date.now() / 1000));
  const signature = bytesToBase64(await hmac(requireKey(secret), signedContent(id, timestamp, target)));
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: `v1,${signature}`,
  };
}

/**
 * Plain Standard Webhooks signing (content `id.timestamp.body`), for outbound alerts: a receiver
 * verifies them with any Standard Webhooks library, and an alert is always a POST to one URL, so
 * the request line adds nothing there.
 */
export async function signStandardWebhook(
  secret: string,
  body: string,
  opts: { id?: string; nowSeconds?: number } = {},
): Promise<WebhookHeaders> {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(opts.nowSeconds ?? Math.floor(Date.now() / 1000));
  const signature = bytesToBase64(await hmac(requireKey(secret), `${id}.${timestamp}.${body}`));
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: `v1,${signature}`,
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks signature and timestamp. Replay protection (a webhook-id seen before) is the caller's,
 * since only it keeps the memory of seen ids.
 */
export async function verifyWebhook(
  secret: string,
  headers: { get(name: string): string | null | undefined },
  target: SignedTarget,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<VerifyResult> {
  const id = headers.get(WEBHOOK_ID_HEADER);
  const timestamp = headers.get(WEBHOOK_TIMESTAMP_HEADER);
  const signatures = headers.get(WEBHOOK_SIGNATURE_HEADER);
  if (!id || !timestamp || !signatures) return { ok: false, reason: "missing_headers" };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  if (Math.abs(nowSeconds - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: "timestamp_out_of_tolerance" };
  }
  const expected = bytesToBase64(await hmac(requireKey(secret), signedContent(id, timestamp, target)));
  // The header may list several space-separated signatures (key rotation); any v1 match passes.
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version === "v1" && value !== undefined && constantTimeEqual(value, expected)) return { ok: true, id };
  }
  return { ok: false, reason: "bad_signature" };
}
