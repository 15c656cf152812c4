/**
 * Validates a run config against its job's run config JSON Schema (Dagster's run config
 * validation against the job's config schema), with @cfworker/json-schema, which needs no eval and
 * so runs in workerd. Each problem comes back once, at the most precise dotted path:
 * `ops.greet.config.name`, not the chain of "property does not match" above it.
 */

import type { OutputUnit, Schema } from "@cfworker/json-schema";
import { Validator } from "@cfworker/json-schema";
import type { JsonSchemaDocument, RunConfig, ValidationIssue } from "../../protocol";

/** Keywords that only say "something inside failed"; the failure inside is reported on its own. */
const APPLICATOR_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "items",
  "prefixItems",
  "unevaluatedItems",
  "contains",
  "allOf",
  "$ref",
  "$dynamicRef",
  "if",
  "then",
  "else",
  "dependentSchemas",
  "propertyNames",
]);

/** `#/ops/greet/config` → `ops.greet.config` (JSON Pointer unescaped). */
export function pointerToDottedPath(instanceLocation: string): string {
  const pointer = instanceLocation.replace(/^#/, "");
  if (pointer === "" || pointer === "/") return "";
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function joinPath(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}

function toIssue(unit: OutputUnit): ValidationIssue | null {
  if (APPLICATOR_KEYWORDS.has(unit.keyword)) return null;
  const path = pointerToDottedPath(unit.instanceLocation);
  if (unit.keyword === "required") {
    const missing = /required property "(.*)"/.exec(unit.error)?.[1];
    return missing === undefined
      ? { path, message: unit.error }
      : { path: joinPath(path, missing), message: "is required but missing" };
  }
  if (unit.keyword === "false") {
    // A `false` subschema is how a closed object (additionalProperties: false) rejects a key.
    return { path, message: "is not a field of this config; remove it or check its spelling" };
  }
  return { path, message: unit.error };
}

/** Every problem of `runConfig`, deduplicated, in the validator's order; empty when it is valid. */
export function validateRunConfig(schema: JsonSchemaDocument, runConfig: RunConfig): ValidationIssue[] {
  const validator = new Validator(schema as Schema, "2020-12", false);
  const result = validator.validate(runConfig);
  if (result.valid) return [];
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const unit of result.errors) {
    const issue = toIssue(unit);
    if (!issue) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  if (issues.length === 0) {
    // Only applicator errors: still invalid, so name the outermost one rather than pass it.
    const [first] = result.errors;
    if (first) issues.push({ path: pointerToDottedPath(first.instanceLocation), message: first.error });
  }
  return issues;
}
