/**
 * The CLI's HTTP client for the control plane's API: the bearer token on every request, every
 * reply parsed with its protocol schema (as the dashboard's client does), every failure an
 * ApiError carrying the API's own message, so the CLI prints what the control plane said.
 */
import type { z } from "zod";
import { ErrorEnvelopeSchema } from "../../protocol";
import type { Credentials } from "./credentials";
import { ApiError } from "./errors";
import { fetchResendingIdempotent } from "./idempotent-fetch";

export type Query = Record<string, string | number | readonly string[] | undefined>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

export class ApiClient {
  constructor(readonly credentials: Credentials) {}

  get url(): string {
    return this.credentials.url;
  }

  async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    opts: { body?: unknown; query?: Query } = {},
  ): Promise<z.infer<S>> {
    const target = `${this.credentials.url}${path}${opts.query ? queryString(opts.query) : ""}`;
    const headers: Record<string, string> = { authorization: `Bearer ${this.credentials.token}` };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetchResendingIdempotent(target, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
      throw new ApiError(0, "unreachable", `Cannot reach the control plane at ${this.credentials.url}${cause}.`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported below with the status.
    }
    if (!res.ok) {
      const envelope = ErrorEnvelopeSchema.safeParse(json);
      if (envelope.success) {
        const { code, message, details } = envelope.data.error;
        throw new ApiError(res.status, code, withDetails(message, details));
      }
      throw new ApiError(
        res.status,
        "unexpected_reply",
        `${method} ${path}: the control plane answered ${res.status}.`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        res.status,
        "unexpected_reply",
        `The reply to ${method} ${path} has an unexpected shape; is the CLI as new as the control plane?`,
      );
    }
    return parsed.data;
  }
}

/** Validation problems as `path: message` after the message, on the same line. */
function withDetails(message: string, details: unknown): string {
  if (!Array.isArray(details)) return message;
  const issues = details
    .filter(
      (d): d is { path: string; message: string } => typeof d?.path === "string" && typeof d?.message === "string",
    )
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return issues.length > 0 ? `${message} (${issues.join("; ")})` : message;
}
