/**
 * Where the cursor is in a run config being typed, JSON or YAML: the path of the object whose key
 * is being written (and the keys it already has), or the path of the value being written; with the
 * partial word before the cursor and the range a completion replaces. Tolerant: it reads text
 * that does not parse yet, since that is what the text is while someone types.
 */
import type { ConfigPath } from "./config-schema";

export type CursorContext =
  | {
      kind: "key";
      /** The object the key belongs to. */
      path: ConfigPath;
      /** The whole key under the cursor, if one is there. */
      key: string | null;
      present: string[];
      prefix: string;
      from: number;
      to: number;
    }
  | { kind: "value"; path: ConfigPath; prefix: string; from: number; to: number };

/** The path a person means at the cursor: the field whose key or value it is on. */
export function pathOfContext(c: CursorContext): ConfigPath {
  return c.kind === "key" && c.key !== null ? [...c.path, c.key] : c.path;
}

type Frame = {
  kind: "obj" | "arr" | "root";
  path: ConfigPath;
  keys: string[];
  expect: "key" | "colon" | "value" | "comma";
  key: string | null;
  index: number;
};

const memberPath = (f: Frame): ConfigPath =>
  f.kind === "obj" ? [...f.path, f.key ?? ""] : f.kind === "arr" ? [...f.path, f.index] : f.path;

function decodeKey(token: string): string {
  const body = token.endsWith('"') && token.length > 1 ? token : `${token}"`;
  try {
    return JSON.parse(body) as string;
  } catch {
    return token.replace(/^"|"$/g, "");
  }
}

export function jsonContextAt(text: string, cursor: number): CursorContext {
  const stack: Frame[] = [{ kind: "root", path: [], keys: [], expect: "value", key: null, index: 0 }];
  let found: CursorContext | null = null;
  let frameOfFound: Frame | null = null;
  let ownKey: string | null = null;
  const top = () => stack[stack.length - 1] as Frame;
  const gap = (f: Frame): CursorContext => {
    if (f.kind === "obj" && f.expect !== "value") {
      return { kind: "key", path: f.path, key: null, present: [], prefix: "", from: cursor, to: cursor };
    }
    return { kind: "value", path: memberPath(f), prefix: "", from: cursor, to: cursor };
  };
  const re = /"(?:[^"\\\n]|\\.)*"?|[{}[\]:,]|[^\s{}[\]:,"]+|\s+/g;
  for (const m of text.matchAll(re)) {
    const tok = m[0];
    const start = m.index;
    const end = start + tok.length;
    if (/^\s/.test(tok)) continue;
    const f = top();
    if (found === null && cursor <= start) {
      found = gap(f);
      frameOfFound = f;
    }
    const inside = found === null && cursor > start && cursor <= end;
    if (tok === "{" || tok === "[") {
      const child: Frame = {
        kind: tok === "{" ? "obj" : "arr",
        path: memberPath(f),
        keys: [],
        expect: tok === "{" ? "key" : "value",
        key: null,
        index: 0,
      };
      f.expect = "comma";
      stack.push(child);
      if (inside && cursor === end) {
        found = gap(child);
        frameOfFound = child;
      }
      continue;
    }
    if (tok === "}" || tok === "]") {
      if (stack.length > 1) stack.pop();
      continue;
    }
    if (tok === ":") {
      f.expect = "value";
      if (inside) {
        found = gap(f);
        frameOfFound = f;
      }
      continue;
    }
    if (tok === ",") {
      if (f.kind === "obj") f.expect = "key";
      else {
        f.index++;
        f.expect = "value";
      }
      if (inside) {
        found = gap(f);
        frameOfFound = f;
      }
      continue;
    }
    // A string or a bare word: a key where the object expects one, else a value.
    const isKey = f.kind === "obj" && (f.expect === "key" || f.expect === "comma");
    if (isKey) {
      const key = decodeKey(tok.startsWith('"') ? tok : `"${tok}"`);
      f.keys.push(key);
      f.key = key;
      f.expect = "colon";
      if (inside) {
        const quoted = tok.startsWith('"');
        found = {
          kind: "key",
          path: f.path,
          key,
          present: [],
          prefix: text.slice(start + (quoted ? 1 : 0), cursor),
          from: start,
          to: end,
        };
        frameOfFound = f;
        ownKey = key;
      }
    } else {
      if (inside) {
        found = {
          kind: "value",
          path: memberPath(f),
          prefix: text.slice(start + (tok.startsWith('"') ? 1 : 0), cursor),
          from: start,
          to: end,
        };
        frameOfFound = f;
      }
      f.expect = "comma";
    }
  }
  if (found === null) {
    found = gap(top());
    frameOfFound = top();
  }
  if (found.kind === "key" && frameOfFound) {
    const keys = [...frameOfFound.keys];
    if (ownKey !== null) keys.splice(keys.indexOf(ownKey), 1);
    found.present = keys;
  }
  return found;
}

// ---- YAML (block style, as people write run config)

type YamlLine = {
  start: number;
  /** Column where the line's key (or scalar) starts, after any "- " markers. */
  indent: number;
  /** Column of the line's "- " marker, if it starts a sequence item. */
  dash: number | null;
  key: string | null;
  /** Offset of the ":" after the key. */
  colon: number;
  /** The value after the colon, without a comment. */
  rest: string;
  blank: boolean;
};

function readLine(line: string, start: number): YamlLine {
  const lead = /^ */.exec(line)?.[0].length ?? 0;
  let indent = lead;
  let dash: number | null = null;
  const item = /^- +|^-$/.exec(line.slice(lead));
  if (item) {
    dash = lead;
    indent = lead + item[0].length;
  }
  const body = line.slice(indent);
  const blank = body.trim() === "" || body.trimStart().startsWith("#");
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?=\s|$)/.exec(body);
  if (!m?.[1]) return { start, indent, dash, key: null, colon: -1, rest: body, blank: blank && dash === null };
  const rawKey = m[1];
  const key = rawKey.startsWith('"') ? decodeKey(rawKey) : rawKey.replace(/^'|'$/g, "");
  const rest = body.slice(m[0].length).replace(/\s+#.*$/, "");
  return { start, indent, dash, key, colon: start + indent + m[0].length - 1, rest, blank: false };
}

export function yamlContextAt(text: string, cursor: number): CursorContext {
  const raw = text.split("\n");
  const lines: YamlLine[] = [];
  let offset = 0;
  for (const line of raw) {
    lines.push(readLine(line, offset));
    offset += line.length + 1;
  }
  let at = lines.findIndex((l, k) => cursor <= l.start + (raw[k] ?? "").length);
  if (at < 0) at = lines.length - 1;
  const here = lines[at] as YamlLine;
  const col = cursor - here.start;
  const lineText = raw[at] ?? "";
  const inItem = here.dash !== null && col >= here.indent;
  // On a blank line, or before the text of a line, the cursor's column is the indentation meant.
  const column = here.blank ? col : inItem ? here.indent : Math.min(col, here.indent);
  const path = inItem
    ? [...ancestors(lines, at, here.dash ?? 0), indexOfItem(lines, at)]
    : ancestors(lines, at, column);

  const lineEnd = here.start + lineText.replace(/\s+#.*$/, "").length;
  if (here.key !== null && cursor > here.colon) {
    const after = /^ */.exec(lineText.slice(here.colon - here.start + 1))?.[0].length ?? 0;
    const from = Math.min(here.colon + 1 + after, cursor);
    return {
      kind: "value",
      path: [...path, here.key],
      prefix: text.slice(from, cursor).replace(/^"/, ""),
      from,
      to: Math.max(lineEnd, from),
    };
  }
  const blankHere = here.blank || col < here.indent;
  const from = blankHere ? cursor : here.start + here.indent;
  const to = blankHere ? cursor : here.key !== null ? here.colon + 1 : Math.max(lineEnd, cursor);
  return {
    kind: "key",
    path,
    key: blankHere ? null : here.key,
    present: siblingKeys(lines, at, column),
    prefix: text.slice(from, cursor).replace(/^"/, ""),
    from,
    to: Math.max(to, cursor),
  };
}

/** The path of the block that a line at `column`, below line `from`, sits in. */
function ancestors(lines: YamlLine[], from: number, column: number): ConfigPath {
  for (let k = from - 1; k >= 0; k--) {
    const l = lines[k] as YamlLine;
    if (l.blank) continue;
    if (l.dash !== null && l.dash < column && l.indent >= column) {
      // The first line of the sequence item this block is in ("- a: 1").
      return [...ancestors(lines, k, l.dash), indexOfItem(lines, k)];
    }
    if (l.indent >= column) continue;
    const base =
      l.dash !== null ? [...ancestors(lines, k, l.dash), indexOfItem(lines, k)] : ancestors(lines, k, l.indent);
    return l.key !== null && l.rest.trim() === "" ? [...base, l.key] : base;
  }
  return [];
}

/** The position of the sequence item that line `k` starts among its siblings. */
function indexOfItem(lines: YamlLine[], k: number): number {
  const dash = lines[k]?.dash ?? 0;
  let index = 0;
  for (let j = k - 1; j >= 0; j--) {
    const l = lines[j] as YamlLine;
    if (l.blank) continue;
    if ((l.dash ?? l.indent) < dash) break;
    if (l.dash === dash) index++;
  }
  return index;
}

/** The keys written at `column` in the block around line `at`, other than line `at`'s own. */
function siblingKeys(lines: YamlLine[], at: number, column: number): string[] {
  const keys: string[] = [];
  for (const step of [-1, 1]) {
    for (let k = at + step; k >= 0 && k < lines.length; k += step) {
      const l = lines[k] as YamlLine;
      if (l.blank) continue;
      if ((l.dash ?? l.indent) < column) {
        // Going up, the "- key: …" line that opens this item holds a sibling, then the block ends.
        if (step < 0 && l.indent === column && l.key !== null) keys.push(l.key);
        break;
      }
      if (l.indent === column && l.key !== null) keys.push(l.key);
    }
  }
  return keys;
}
