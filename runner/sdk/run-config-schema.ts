/**
 * JSON Schema of a job's run config and its default: Dagster's config schema for the launchpad.
 * Shape `{ops: {<node>: {config}}}`, closed to unknown keys at every level we generate, so a typo
 * in a node or field name fails validation in the control plane instead of being ignored.
 */
import { z } from "zod";
import type { JsonSchemaDocument, JsonValue } from "../../protocol";
import { isConfigRequired, resolveOpConfig } from "./config";

export interface ConfiguredNode {
  readonly name: string;
  readonly config: z.ZodType | null;
}

/**
 * The JSON Schema of one op's config, as a user writes it (zod's "input" side: fields with a
 * default are optional). zod leaves plain objects open on the input side because parsing strips
 * unknown keys; we close them, since an unknown key in a run config is always a mistake.
 */
export function buildConfigJsonSchema(schema: z.ZodType): JsonSchemaDocument {
  const document = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  closeObjects(document);
  return document;
}

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) closeObjects(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === "object" && "properties" in record && !("additionalProperties" in record)) {
    record.additionalProperties = false;
  }
  for (const value of Object.values(record)) closeObjects(value);
}

export function buildRunConfigSchema(nodes: readonly ConfiguredNode[]): JsonSchemaDocument {
  const properties: Record<string, JsonSchemaDocument> = {};
  const required: string[] = [];
  for (const node of nodes) {
    if (!node.config) continue;
    // Nested under ops.<node>.config, so the per-document `$schema` moves to the top.
    const { $schema: _schema, ...config } = buildConfigJsonSchema(node.config);
    const nodeRequired = isConfigRequired(node.config);
    properties[node.name] = {
      type: "object",
      properties: { config },
      ...(nodeRequired ? { required: ["config"] } : {}),
      additionalProperties: false,
    };
    if (nodeRequired) required.push(node.name);
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      ops: {
        type: "object",
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      },
    },
    ...(required.length > 0 ? { required: ["ops"] } : {}),
    additionalProperties: false,
  };
}

/** A run config filled with every default, or null when some node's config has a required field. */
export function buildDefaultRunConfig(nodes: readonly ConfiguredNode[]): JsonValue | null {
  const ops: Record<string, JsonValue> = {};
  for (const node of nodes) {
    if (!node.config) continue;
    const resolved = resolveOpConfig(node.config, undefined);
    if (!resolved.ok) return null;
    ops[node.name] = { config: toJsonValue(resolved.value) };
  }
  return { ops };
}

function toJsonValue(value: unknown): JsonValue {
  return value === undefined ? {} : (JSON.parse(JSON.stringify(value)) as JsonValue);
}
