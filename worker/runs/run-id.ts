/**
 * New run ids: UUIDv7 (RFC 9562 §5.7), a 48-bit Unix millisecond timestamp, then random bits.
 * Still a UUID anywhere one is expected, but time-ordered: an index keyed by run id (D1's runs
 * table, the run coordinator's queue and in-progress tables) takes each new run at its right-hand
 * end, where the pages are already in memory, instead of at a random page — with 100,000 runs
 * queued, random (v4) ids made the coordinator's bare SQLite work per admission 3.5× dearer than
 * with 10 queued.
 */
export function newRunId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
