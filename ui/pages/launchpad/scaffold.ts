/**
 * The launchpad's starting config: the job's `default_run_config` when every field has a default,
 * else one generated from the run config schema — every field present, with its default or an
 * empty value of its type, so the user sees what to fill in.
 */
import type { JsonSchemaDocument, JsonValue } from "../../../protocol/json";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function scaffoldFromSchema(schema: unknown, depth = 0): JsonValue {
  if (!isRecord(schema) || depth > 12) return null;
  if ("default" in schema) return schema.default as JsonValue;
  if ("const" in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as JsonValue;
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return scaffoldFromSchema(options[0], depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, JsonValue> = {};
      if (isRecord(schema.properties)) {
        for (const [key, sub] of Object.entries(schema.properties)) out[key] = scaffoldFromSchema(sub, depth + 1);
      }
      return out;
    }
    case "array":
      return [];
    case "string":
      return "";
    case "number":
    case "integer":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

export function initialConfigText(defaultRunConfig: JsonValue | null, schema: JsonSchemaDocument): string {
  const value = defaultRunConfig ?? scaffoldFromSchema(schema);
  return JSON.stringify(value ?? {}, null, 2);
}
