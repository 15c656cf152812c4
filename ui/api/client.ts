/**
 * The dashboard's HTTP client. The session cookie travels on its own (same origin, HttpOnly);
 * every reply is parsed with its protocol schema; every failure becomes an ApiError whose message
 * a person can read. A 401 means the session is missing or expired: the user is sent to sign in
 * and brought back afterwards.
 */
import type { z } from "zod";
import { ErrorEnvelopeSchema } from "../../protocol/errors";
import { markReachable, markUnreachable } from "../stores/connection";
import { onUnauthorized } from "../stores/session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Status 0: the request never got an answer (control plane down, restarting, offline). */
export function isUnreachable(err: unknown): boolean {
  return err instanceof ApiError && err.status === 0;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function apiRequest<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  body?: unknown,
  opts: { signal?: AbortSignal; allowUnauthorized?: boolean } = {},
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    markUnreachable();
    throw new ApiError(0, "unreachable", "Cannot reach the control plane. Retrying…");
  }
  const text = await res.text();
  // A 5xx without our envelope is the runtime itself failing (e.g. mid-restart): not an answer.
  if (res.status >= 502 && !text.startsWith("{")) markUnreachable();
  else markReachable();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: a proxy's or the runtime's own error page. Reported below with its status.
  }
  if (res.status === 401 && !opts.allowUnauthorized) onUnauthorized();
  if (!res.ok) {
    const envelope = ErrorEnvelopeSchema.safeParse(json);
    if (envelope.success) {
      const { code, message, details } = envelope.data.error;
      throw new ApiError(res.status, code, message, details);
    }
    throw new ApiError(res.status, "unexpected_reply", `The control plane answered ${res.status} ${res.statusText}.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, "unexpected_reply", `The reply to ${method} ${path} has an unexpected shape.`);
  }
  return parsed.data;
}
