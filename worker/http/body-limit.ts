/**
 * The request-body byte cap of every API route, read as a stream: whatever its framing
 * (Content-Length or chunked), a body is read chunk by chunk and refused with 413 as soon as it
 * passes the cap, without keeping the bytes past it.
 *
 * The rest of a refused body is read and thrown away, not left unread. workerd reads the next
 * request of a keep-alive connection only after the previous request's body has been read to its
 * end: a body left locked and unread (what Hono's `bodyLimit` does), or cancelled, leaves the
 * connection waiting, so the client's next request on it was never answered — and workerd does
 * not honour `Connection: close` on the reply. Draining costs reading bytes, not memory; the
 * platform caps a body's size (100 MB on Cloudflare's plans) before it reaches the Worker.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { PayloadTooLargeError } from "../errors";

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (;;) if ((await reader.read()).done) return;
}

export function limitBodyBytes(maxBytes: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const body = c.req.raw.body;
    if (body === null) return next();
    const reader = body.getReader();
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await drain(reader);
      throw new PayloadTooLargeError(maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await drain(reader);
        throw new PayloadTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  });
}
