/**
 * The launchpad's YAML: Dagster's launchpad edits run config as YAML, so Flightdeck's offers it
 * beside JSON. The run config is sent as JSON either way; YAML is only how it is written, so a
 * YAML config must be plain JSON data (no .inf or .nan, one document) and converts both ways
 * without loss. Parsing keeps the line of every value, as json-locate.ts does for JSON, so a
 * validation error lands on its line in either format. Its own chunk: `yaml` loads only when
 * someone switches to YAML.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from "yaml";
import type { JsonValue } from "../../../protocol/json";
import { escapePointerToken, JsonSyntaxError, type Located } from "./json-locate";

export function toYaml(value: JsonValue): string {
  return stringify(value, { lineWidth: 0, indent: 2 });
}

function notJson(value: unknown, path: string): string | null {
  if (typeof value === "number" && !Number.isFinite(value))
    return `${path || "the config"}: ${value} is not a JSON number`;
  if (value === undefined) return `${path || "the config"}: has no value`;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const problem = notJson(value[k], `${path}/${k}`);
      if (problem) return problem;
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const problem = notJson(child, `${path}/${escapePointerToken(key)}`);
      if (problem) return problem;
    }
  }
  return null;
}

export function parseYamlLocated(text: string): Located {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    const firstLine = error.message.split("\n")[0] ?? error.message;
    throw new JsonSyntaxError(firstLine.replace(/ at line \d+, column \d+:?$/, "."), pos.line, pos.col);
  }
  const lines = new Map<string, number>();
  const lineAt = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? counter.linePos(node.range[0]).line : undefined;
  const walk = (node: unknown, pointer: string, line: number | undefined) => {
    lines.set(pointer, line ?? lineAt(node as Node) ?? 1);
    if (isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        // An error about a member belongs on its key's line, as in the JSON editor.
        walk(pair.value, `${pointer}/${escapePointerToken(key)}`, lineAt(pair.key as Node));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, k) => {
        walk(item, `${pointer}/${k}`, undefined);
      });
    }
  };
  walk(doc.contents, "", 1);
  const value = (doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 })) as JsonValue;
  const problem = notJson(value, "");
  if (problem) throw new JsonSyntaxError(`Not JSON data: ${problem}.`, 1, 1);
  return { value, lines };
}

/** The text a key completion inserts in YAML, its continuation lines indented under the key. */
export function yamlMember(key: string, value: JsonValue, indent: number): string {
  const name = /^[A-Za-z_][\w.-]*$/.test(key) ? key : JSON.stringify(key);
  const nested =
    (Array.isArray(value) && value.length > 0) ||
    (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0);
  if (!nested) return `${name}: ${JSON.stringify(value)}`;
  const pad = " ".repeat(indent + 2);
  const body = toYaml(value)
    .trimEnd()
    .split("\n")
    .map((line) => pad + line)
    .join("\n");
  return `${name}:\n${body}`;
}
