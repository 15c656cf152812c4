/**
 * Bounds on the shape of any JSON document Flightdeck accepts — a request body, or a reply from a
 * code location server — checked right after parsing and before any schema sees it. Schema
 * validation (zod) and everything after it recurse into the document, so a document nested a few
 * thousand levels deep would overflow the stack there; these bounds refuse it first, with a
 * sentence that says which bound and where. The walk itself is iterative: no document can
 * overflow it.
 */

/** Deeper than any run config, event or definitions document needs; far below any stack limit. */
export const MAX_JSON_DEPTH = 64;
/** Object keys plus array items over the whole document. */
export const MAX_JSON_NODES = 200_000;

export type JsonLimitBreach = { limit: "depth" | "nodes"; message: string; path: string };

type Frame = { value: unknown; depth: number; key: string; parent: Frame | null };

function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | null = frame; f?.parent; f = f.parent) keys.push(f.key);
  return keys.reverse().join(".");
}

/** Null when `value` is within the bounds; else which bound it breaks, and where (a dotted path). */
export function findJsonLimitBreach(
  value: unknown,
  limits: { maxDepth: number; maxNodes: number } = { maxDepth: MAX_JSON_DEPTH, maxNodes: MAX_JSON_NODES },
): JsonLimitBreach | null {
  const stack: Frame[] = [{ value, depth: 0, key: "", parent: null }];
  let nodes = 0;
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.value === null || typeof frame.value !== "object") continue;
    const depth = frame.depth + 1;
    if (depth > limits.maxDepth) {
      const path = pathOf(frame);
      return { limit: "depth", path, message: `nests deeper than ${limits.maxDepth} levels (at ${path || "(root)"})` };
    }
    const entries = Array.isArray(frame.value) ? frame.value.entries() : Object.entries(frame.value);
    for (const [key, child] of entries) {
      nodes += 1;
      if (nodes > limits.maxNodes) {
        return {
          limit: "nodes",
          path: pathOf(frame),
          message: `has more than ${limits.maxNodes} keys and array items in all`,
        };
      }
      stack.push({ value: child, depth, key: String(key), parent: frame });
    }
  }
  return null;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON.parse, then the bounds above; the reason is a clause ("is not JSON (...)", "nests deeper ..."). */
export function parseBoundedJson(text: string): BoundedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const breach = findJsonLimitBreach(value);
  return breach === null ? { ok: true, value } : { ok: false, reason: breach.message };
}
