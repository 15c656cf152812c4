/**
 * What the launchpad reads out of a job's run config schema (JSON Schema, as the control plane
 * checks it): the fields allowed at a place in the config, their docs, and the two repairs
 * Dagster's launchpad offers beside its config editor — "Scaffold missing config" (add every
 * required field that is absent) and "Remove extra config" (drop every field the schema does not
 * allow); see Dagster's `LaunchpadSession.tsx` (`onScaffoldMissingConfig`, `onRemoveExtraPaths`).
 * Pure: no DOM, no validator; `$ref`s local to the document are followed.
 */
import type { JsonValue } from "../../../protocol/json";
import { scaffoldFromSchema } from "./scaffold";

export type ConfigPath = (string | number)[];
type Schema = Record<string, unknown>;

export type FieldDoc = {
  path: string;
  type: string;
  required: boolean;
  description?: string;
  default?: JsonValue;
};

export type Completion = {
  kind: "key" | "value";
  label: string;
  /** The value inserted with a key (its default or an empty value of its type), or the value itself. */
  value: JsonValue;
  detail: string;
  required: boolean;
  description?: string;
};

const MAX_DEPTH = 16;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function resolveRef(root: Schema, ref: string): Schema | null {
  if (!ref.startsWith("#")) return null;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isRecord(node) ? node[token] : undefined;
  }
  return isRecord(node) ? node : null;
}

/** The schema and every alternative or part it stands for ($ref, allOf, anyOf, oneOf), flattened. */
function branches(root: Schema, schema: unknown, depth = 0): Schema[] {
  if (!isRecord(schema) || depth > MAX_DEPTH) return [];
  const out: Schema[] = [schema];
  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    if (target) out.push(...branches(root, target, depth + 1));
  }
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const parts = schema[key];
    if (Array.isArray(parts)) for (const part of parts) out.push(...branches(root, part, depth + 1));
  }
  return out;
}

function childSchemas(root: Schema, schemas: Schema[], segment: string | number): Schema[] {
  const out: Schema[] = [];
  for (const s of schemas) {
    if (typeof segment === "number") {
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems[segment] : undefined;
      const item = prefix ?? s.items;
      out.push(...branches(root, item));
      continue;
    }
    const props = isRecord(s.properties) ? s.properties : {};
    if (Object.hasOwn(props, segment)) out.push(...branches(root, props[segment]));
    else if (isRecord(s.additionalProperties)) out.push(...branches(root, s.additionalProperties));
  }
  return out;
}

/** Every schema that applies at `path` (empty when the schema says nothing about that place). */
export function schemasAt(root: unknown, path: ConfigPath): Schema[] {
  if (!isRecord(root)) return [];
  let current = branches(root, root);
  for (const segment of path) {
    current = childSchemas(root, current, segment);
    if (current.length === 0) return [];
  }
  return current;
}

type Field = { name: string; schema: Schema; required: boolean };

/** The named fields of the object at `path`, in the schema's order. */
export function fieldsAt(root: unknown, path: ConfigPath): Field[] {
  if (!isRecord(root)) return [];
  const fields = new Map<string, Field>();
  const required = new Set<string>();
  for (const s of schemasAt(root, path)) {
    if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === "string") required.add(r);
    if (!isRecord(s.properties)) continue;
    for (const [name, sub] of Object.entries(s.properties)) {
      if (!fields.has(name) && isRecord(sub)) fields.set(name, { name, schema: sub, required: false });
    }
  }
  return [...fields.values()].map((f) => ({ ...f, required: required.has(f.name) }));
}

/** "string", "integer ≥ 1", "one of a, b", "boolean | null": what a person needs to type the value. */
export function describeType(root: unknown, schema: unknown): string {
  if (!isRecord(root)) return "any";
  const parts = new Set<string>();
  for (const s of branches(root, schema)) {
    if (Array.isArray(s.enum)) parts.add(`one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`);
    else if ("const" in s) parts.add(JSON.stringify(s.const));
    else if (typeof s.type === "string" || Array.isArray(s.type)) {
      const types = Array.isArray(s.type) ? s.type.map(String) : [s.type];
      for (const t of types) {
        const bounds: string[] = [];
        if (typeof s.minimum === "number") bounds.push(`≥ ${s.minimum}`);
        if (typeof s.maximum === "number") bounds.push(`≤ ${s.maximum}`);
        if (typeof s.minLength === "number" && s.minLength > 0) bounds.push("not empty");
        parts.add([t, ...bounds].join(" "));
      }
    }
  }
  return parts.size === 0 ? "any" : [...parts].join(" | ");
}

function descriptionOf(root: Schema, schema: unknown): string | undefined {
  for (const s of branches(root, schema)) if (typeof s.description === "string") return s.description;
  return undefined;
}

function defaultOf(root: Schema, schema: unknown): JsonValue | undefined {
  for (const s of branches(root, schema)) if ("default" in s) return s.default as JsonValue;
  return undefined;
}

/** The docs of the field at `path`, or null when the schema has no such field. */
export function docsAt(root: unknown, path: ConfigPath): FieldDoc | null {
  if (!isRecord(root) || path.length === 0) return null;
  const last = path[path.length - 1];
  const parent = path.slice(0, -1);
  const schemas = schemasAt(root, path);
  if (schemas.length === 0) return null;
  const field = typeof last === "string" ? fieldsAt(root, parent).find((f) => f.name === last) : undefined;
  const doc: FieldDoc = {
    path: path.join("."),
    type: describeType(root, schemas[0]),
    required: field?.required ?? false,
  };
  const description = descriptionOf(root, schemas[0]);
  if (description !== undefined) doc.description = description;
  const def = defaultOf(root, schemas[0]);
  if (def !== undefined) doc.default = def;
  return doc;
}

/**
 * A starting value for a field: its default, else an empty value of its type, with its own fields
 * scaffolded (every field with `all`, else only the required ones). As scaffold.ts, following $refs.
 */
export function scaffoldValue(root: unknown, schema: unknown, all = true, depth = 0): JsonValue {
  if (!isRecord(root) || !isRecord(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    if (!("default" in schema)) return target ? scaffoldValue(root, target, all, depth + 1) : null;
  }
  const describesObject = schema.type === "object" || isRecord(schema.properties);
  if ("default" in schema || !describesObject) {
    if (!("anyOf" in schema || "oneOf" in schema)) return scaffoldFromSchema(schema);
    const options = (schema.anyOf ?? schema.oneOf) as unknown[];
    return "default" in schema ? (schema.default as JsonValue) : scaffoldValue(root, options[0], all, depth + 1);
  }
  const out: Record<string, JsonValue> = {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  if (isRecord(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (all || required.has(key)) out[key] = scaffoldValue(root, sub, all, depth + 1);
    }
  }
  return out;
}

/**
 * Completions at a place: the fields of the object at `path` not yet written (`present`), required
 * ones first, each inserted with its scaffold; or, for a value, the values the schema lists
 * (enum, const, booleans).
 */
export function completionsAt(
  root: unknown,
  at: { kind: "key"; path: ConfigPath; present: readonly string[] } | { kind: "value"; path: ConfigPath },
): Completion[] {
  if (!isRecord(root)) return [];
  if (at.kind === "key") {
    const present = new Set(at.present);
    return fieldsAt(root, at.path)
      .filter((f) => !present.has(f.name))
      .sort((a, b) => Number(b.required) - Number(a.required))
      .map((f) => {
        const c: Completion = {
          kind: "key",
          label: f.name,
          value: scaffoldValue(root, f.schema),
          detail: describeType(root, f.schema),
          required: f.required,
        };
        const description = descriptionOf(root, f.schema);
        if (description !== undefined) c.description = description;
        return c;
      });
  }
  const values: JsonValue[] = [];
  for (const s of schemasAt(root, at.path)) {
    if (Array.isArray(s.enum)) values.push(...(s.enum as JsonValue[]));
    if ("const" in s) values.push(s.const as JsonValue);
    if (s.type === "boolean" || (Array.isArray(s.type) && s.type.includes("boolean"))) values.push(true, false);
  }
  const seen = new Set<string>();
  return values
    .filter((v) => {
      const key = JSON.stringify(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((v) => ({ kind: "value", label: JSON.stringify(v), value: v, detail: "value", required: false }));
}

/** Adds every required field that is missing, at every level the config already has, recursively. */
export function scaffoldMissing(root: unknown, value: JsonValue, path: ConfigPath = []): JsonValue {
  if (Array.isArray(value)) return value.map((item, k) => scaffoldMissing(root, item, [...path, k]));
  if (!isRecord(value)) return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) out[key] = scaffoldMissing(root, child, [...path, key]);
  for (const f of fieldsAt(root, path)) {
    if (!f.required || Object.hasOwn(out, f.name)) continue;
    out[f.name] = scaffoldMissing(root, scaffoldValue(root, f.schema, false), [...path, f.name]);
  }
  return out;
}

/** Whether the schemas at an object's place let it have a field called `key`. */
function allowsKey(schemas: Schema[], key: string): boolean {
  for (const s of schemas) {
    // A branch that does not describe an object (a $ref or alternative holder) says nothing.
    const describesObject = s.type === "object" || "properties" in s || "additionalProperties" in s;
    if (!describesObject) continue;
    if (isRecord(s.properties) && Object.hasOwn(s.properties, key)) return true;
    if (isRecord(s.patternProperties)) {
      for (const pattern of Object.keys(s.patternProperties)) {
        try {
          if (new RegExp(pattern, "u").test(key)) return true;
        } catch {
          return true; // a pattern we cannot read: keep the key rather than lose the user's config
        }
      }
    }
    if (s.additionalProperties !== false) return true;
  }
  return !schemas.some((s) => s.type === "object" || "properties" in s || "additionalProperties" in s);
}

/** Drops every field the schema does not allow (Dagster's "Remove extra config"), recursively. */
export function removeExtra(root: unknown, value: JsonValue, path: ConfigPath = []): JsonValue {
  if (!isRecord(root)) return value;
  if (Array.isArray(value)) return value.map((item, k) => removeExtra(root, item, [...path, k]));
  if (!isRecord(value)) return value;
  const schemas = schemasAt(root, path);
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) {
    if (schemas.length > 0 && !allowsKey(schemas, key)) continue;
    out[key] = removeExtra(root, child, [...path, key]);
  }
  return out;
}
