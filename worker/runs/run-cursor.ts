/**
 * The opaque cursor of `GET /api/runs`: the (created_at, id) of the last run on a page. Runs are
 * listed newest first by that pair, so the next page is everything strictly below it — a keyset
 * range on the index, never an OFFSET that rescans the rows it skips.
 */

export type RunCursor = { createdAt: number; id: string };

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(encoded: string): string {
  const bin = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}

export function encodeRunCursor(cursor: RunCursor): string {
  return toBase64Url(JSON.stringify([cursor.createdAt, cursor.id]));
}

/** The cursor, or null when the string is not one `encodeRunCursor` made. */
export function decodeRunCursor(encoded: string): RunCursor | null {
  let value: unknown;
  try {
    value = JSON.parse(fromBase64Url(encoded));
  } catch {
    // Not base64url or not JSON: the caller made the cursor up; null says exactly that.
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [createdAt, id] = value;
  if (!Number.isSafeInteger(createdAt) || typeof createdAt !== "number" || createdAt < 0) return null;
  if (typeof id !== "string" || id === "") return null;
  return { createdAt, id };
}
