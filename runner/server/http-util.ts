/** Small helpers for the code location server's node:http handlers: bodies in, JSON and error envelopes out. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorCode, ErrorEnvelope } from "../../protocol";

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new HttpError(413, "payload_too_large", `the request body is larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The error as the status and the protocol's error envelope it is answered with (over HTTP or an agent's socket). */
export function errorReply(error: HttpError): { status: number; body: ErrorEnvelope } {
  return {
    status: error.status,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined ? { details: error.details } : {}),
      },
    },
  };
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const { status, body } = errorReply(error);
  sendJson(res, status, body);
}

/** Header access in the shape protocol's verifyWebhook reads. */
export function headerReader(req: IncomingMessage): { get(name: string): string | undefined } {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}
