/**
 * Validates a run config against the job's JSON Schema in the browser (the same schema the
 * control plane checks on submit), and turns the validator's output into one readable problem per
 * place: the deepest errors only, worded for people, each with its line.
 */
import { Validator } from "@cfworker/json-schema";
import type { JsonObject, JsonSchemaDocument } from "../../../protocol/json";
import { JsonSyntaxError, type Located, lineOf, parseLocated } from "./json-locate";

export type ConfigProblem = { pointer: string; path: string; line: number; message: string };
export type ConfigCheck = { ok: true; value: JsonObject } | { ok: false; problems: ConfigProblem[] };

/** Keywords that only say "something below failed": the error below says what. */
const CASCADING = new Set([
  "properties",
  "items",
  "prefixItems",
  "allOf",
  "$ref",
  "additionalProperties",
  "unevaluatedProperties",
  "dependentSchemas",
  "if",
  "then",
  "else",
  "contains",
]);

export function pointerToPath(pointer: string): string {
  if (pointer === "") return "(root)";
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

export function pathToPointer(path: string): string {
  if (path === "" || path === "(root)") return "";
  return `/${path.split(".").join("/")}`;
}

function decodeLocation(instanceLocation: string): string {
  const raw = instanceLocation.replace(/^#/, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function article(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function word(keyword: string, pointer: string, error: string): string {
  const type = /Instance type "(\w+)" is invalid\. Expected "([^"]+)"/.exec(error);
  if (keyword === "type" && type) return `must be ${article(type[2] ?? "")}, not ${article(type[1] ?? "")}`;
  const required = /required property "([^"]+)"/.exec(error);
  if (keyword === "required" && required) return `missing required field "${required[1]}"`;
  if (keyword === "false") return `"${pointerToPath(pointer).split(".").at(-1)}" is not a field here`;
  const short = /too short \((\d+) < (\d+)\)/.exec(error);
  if (short) return short[2] === "1" ? "must not be empty" : `must be at least ${short[2]} characters`;
  return error.replace(/^Instance /, "value ").replace(/\.$/, "");
}

export function makeValidator(schema: JsonSchemaDocument): Validator {
  return new Validator(schema as ConstructorParameters<typeof Validator>[0], "2020-12", false);
}

/** `parse`: the format's position-keeping parser (JSON here, YAML from config-yaml.ts). */
export function checkConfig(
  text: string,
  validator: Validator,
  parse: (text: string) => Located = parseLocated,
): ConfigCheck {
  let located: Located;
  try {
    located = parse(text.trim() === "" ? "{}" : text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return {
        ok: false,
        problems: [
          {
            pointer: "",
            path: "(syntax)",
            line: err.line,
            message: `${err.message} (line ${err.line}, column ${err.column})`,
          },
        ],
      };
    }
    throw err;
  }
  const value = located.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      problems: [{ pointer: "", path: "(root)", line: 1, message: "the run config must be an object (a mapping)" }],
    };
  }
  const result = validator.validate(value);
  if (result.valid) return { ok: true, value };
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of result.errors) {
    if (CASCADING.has(e.keyword)) continue;
    const pointer = decodeLocation(e.instanceLocation);
    const message = word(e.keyword, pointer, e.error);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer, path: pointerToPath(pointer), line: lineOf(located.lines, pointer), message });
  }
  if (problems.length === 0) {
    problems.push({ pointer: "", path: "(root)", line: 1, message: "does not match the job's config schema" });
  }
  return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Places the control plane's own issues (a 422 on submit) the same way as local ones. */
export function placeIssues(
  text: string,
  issues: { path: string; message: string }[],
  parse: (text: string) => Located = parseLocated,
): ConfigProblem[] {
  let lines = new Map<string, number>();
  try {
    lines = parse(text).lines;
  } catch {
    // Unparseable text cannot have reached the server; keep line 1 for every issue.
  }
  return issues.map((issue) => {
    const pointer = pathToPointer(issue.path);
    return { pointer, path: issue.path || "(root)", line: lineOf(lines, pointer), message: issue.message };
  });
}
