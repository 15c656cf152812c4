/**
 * Op config at run time: Dagster's config schema for an op. A node's config comes from
 * `run_config.ops.<node>.config`; when it is absent, the schema's defaults fill it in if they can.
 */
import type { z } from "zod";

export type ConfigResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses a node's raw config with the op's schema; a missing config is treated as `{}`, then as absent. */
export function resolveOpConfig(schema: z.ZodType | null, raw: unknown): ConfigResult {
  if (!schema) return { ok: true, value: undefined };
  const candidates = raw === undefined ? [{}, undefined] : [raw];
  let firstError: z.ZodError | null = null;
  for (const candidate of candidates) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { ok: true, value: parsed.data };
    firstError ??= parsed.error;
  }
  const issues = (firstError?.issues ?? []).map((issue) => {
    const path = ["config", ...issue.path.map(String)].join(".");
    return `${path}: ${issue.message}`;
  });
  return { ok: false, message: raw === undefined ? `config is required. ${issues.join("; ")}` : issues.join("; ") };
}

/** True when an op's config cannot be left out of the run config (some field has no default). */
export function isConfigRequired(schema: z.ZodType | null): boolean {
  return schema !== null && !resolveOpConfig(schema, undefined).ok;
}

/** The node's config from a run config shaped `{ops: {<node>: {config}}}`; undefined when absent. */
export function pickNodeConfig(runConfig: unknown, node: string): unknown {
  const ops = isRecord(runConfig) ? runConfig.ops : undefined;
  const entry = isRecord(ops) ? ops[node] : undefined;
  return isRecord(entry) ? entry.config : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
