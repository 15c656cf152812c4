/**
 * Compute logs in R2 (Dagster's compute log manager, with R2 for S3): each uploaded chunk of a
 * step's stdout or stderr is one object, `runs/<run>/<attempt>/<step>/<stream>/<offset>`, the
 * offset zero-padded so R2's lexical listing is byte order. Append-only and idempotent: the same
 * offset again overwrites the same key with the same bytes.
 */
import type { ComputeLogStream } from "../../protocol";

const OFFSET_DIGITS = 14;
/** The most a read returns per stream, so one reply stays small; the client asks again from there. */
const MAX_READ_BYTES = 1024 * 1024;

function prefixOf(runId: string, attempt: number, stepKey: string, stream: ComputeLogStream): string {
  return `runs/${encodeURIComponent(runId)}/${attempt}/${encodeURIComponent(stepKey)}/${stream}/`;
}

export async function putComputeLogChunk(
  bucket: R2Bucket,
  key: { runId: string; attempt: number; stepKey: string; stream: ComputeLogStream },
  offset: number,
  data: string,
): Promise<void> {
  const name = prefixOf(key.runId, key.attempt, key.stepKey, key.stream) + String(offset).padStart(OFFSET_DIGITS, "0");
  await bucket.put(name, data, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
}

/** The text from `offset` on (chunk boundaries), and the offset to ask from next time. */
export async function readComputeLog(
  bucket: R2Bucket,
  key: { runId: string; attempt: number; stepKey: string; stream: ComputeLogStream },
  offset: number,
): Promise<{ text: string; next: number }> {
  const prefix = prefixOf(key.runId, key.attempt, key.stepKey, key.stream);
  const startAfter = offset === 0 ? undefined : prefix + String(offset - 1).padStart(OFFSET_DIGITS, "0");
  const parts: string[] = [];
  let next = offset;
  let bytes = 0;
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix, ...(startAfter ? { startAfter } : {}), ...(cursor ? { cursor } : {}) });
    for (const object of listed.objects) {
      const at = Number(object.key.slice(prefix.length));
      if (at !== next || bytes >= MAX_READ_BYTES) return { text: parts.join(""), next }; // a gap: wait for it
      const body = await bucket.get(object.key);
      if (!body) return { text: parts.join(""), next };
      const buffer = new Uint8Array(await body.arrayBuffer());
      parts.push(new TextDecoder().decode(buffer));
      next += buffer.byteLength;
      bytes += buffer.byteLength;
    }
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  return { text: parts.join(""), next };
}
