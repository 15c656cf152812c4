/**
 * A JSON parser that remembers where each value sits: JSON Pointer → line. The launchpad uses it
 * to put every validation error on the line it is about, and to report syntax errors with their
 * line and column. Strict JSON (what the API accepts), nothing more.
 */
import type { JsonValue } from "../../../protocol/json";

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export type Located = { value: JsonValue; lines: Map<string, number> };

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function parseLocated(text: string): Located {
  let i = 0;
  const lines = new Map<string, number>();
  const lineAt = (at: number) => {
    let line = 1;
    for (let k = 0; k < at && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
    return line;
  };
  const fail = (message: string): never => {
    const line = lineAt(i);
    const column = i - text.lastIndexOf("\n", i - 1);
    throw new JsonSyntaxError(message, line, column);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const describe = () => (i >= text.length ? "the end of the text" : `"${text.charAt(i)}"`);

  const str = (): string => {
    const start = i;
    i++;
    let out = "";
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\n") fail("Unterminated string: a string cannot span lines.");
      if (c === "\\") {
        const slice = text.slice(start, i + 6);
        i++;
        const e = text.charAt(i);
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e in simple) out += simple[e];
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 5), 16));
          i += 4;
        } else fail(`Bad escape in string near ${slice}.`);
        i++;
        continue;
      }
      out += c;
      i++;
    }
    return fail("Unterminated string.");
  };

  const value = (pointer: string): JsonValue => {
    ws();
    lines.set(pointer, lineAt(i));
    const c = text.charAt(i);
    if (c === "{") return obj(pointer);
    if (c === "[") return arr(pointer);
    if (c === '"') return str();
    const lit = /^(true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!lit?.[1]) return fail(`Unexpected ${describe()}: expected a value.`);
    i += lit[1].length;
    if (lit[1] === "true") return true;
    if (lit[1] === "false") return false;
    if (lit[1] === "null") return null;
    return Number(lit[1]);
  };

  const obj = (pointer: string): JsonValue => {
    i++;
    const out: Record<string, JsonValue> = {};
    ws();
    if (text.charAt(i) === "}") {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text.charAt(i) !== '"') fail(`Unexpected ${describe()}: expected a key in double quotes.`);
      const keyLine = lineAt(i);
      const key = str();
      ws();
      if (text.charAt(i) !== ":") fail(`Unexpected ${describe()}: expected ":" after the key "${key}".`);
      i++;
      const child = `${pointer}/${escapePointerToken(key)}`;
      out[key] = value(child);
      // An error about a member belongs on its key's line, even when the value starts below it.
      lines.set(child, keyLine);
      ws();
      const c = text.charAt(i);
      i++;
      if (c === "}") return out;
      if (c !== ",") {
        i--;
        fail(`Unexpected ${describe()}: expected "," or "}".`);
      }
    }
  };

  const arr = (pointer: string): JsonValue => {
    i++;
    const out: JsonValue[] = [];
    ws();
    if (text.charAt(i) === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(`${pointer}/${out.length}`));
      ws();
      const c = text.charAt(i);
      i++;
      if (c === "]") return out;
      if (c !== ",") {
        i--;
        fail(`Unexpected ${describe()}: expected "," or "]".`);
      }
    }
  };

  const result = value("");
  ws();
  if (i < text.length) fail(`Unexpected ${describe()} after the end of the config.`);
  return { value: result, lines };
}

/** The line of `pointer`, or of its nearest ancestor that exists in the text. */
export function lineOf(lines: Map<string, number>, pointer: string): number {
  let p = pointer;
  for (;;) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === "") return 1;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}
