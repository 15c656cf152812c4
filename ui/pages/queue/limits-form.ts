/**
 * The limits editor's pure half: the run coordinator's limits as a form (strings, as typed), back
 * to a `PATCH /api/instance` body checked with the protocol's own schema, and every problem —
 * found here or by the server — keyed by the place it belongs to (`max_concurrent_runs`,
 * `tag_concurrency_limits.2.limit`, ...). `tag_concurrency_limits` is one leaf of the config, so
 * every save sends the whole list.
 */
import { z } from "zod";
import type { ValidationIssue } from "../../../protocol/errors";
import {
  type RunCoordinatorConfig,
  RunCoordinatorConfigSchema,
  type TagConcurrencyLimit,
  tagLimitKind,
} from "../../../protocol/instance-config";

export type TagLimitKind = ReturnType<typeof tagLimitKind>;
export type TagLimitDraft = { key: string; kind: TagLimitKind; value: string; limit: string };
export type LimitsDraft = { maxConcurrentRuns: string; tags: TagLimitDraft[] };
export type LimitsPatch = Pick<RunCoordinatorConfig, "max_concurrent_runs" | "tag_concurrency_limits">;
/** Problems by place; the place is the config path below `run_coordinator`. */
export type PlaceErrors = Record<string, string>;

const LimitsSchema = RunCoordinatorConfigSchema.pick({ max_concurrent_runs: true, tag_concurrency_limits: true });

export function toDraft(config: LimitsPatch): LimitsDraft {
  return {
    maxConcurrentRuns: String(config.max_concurrent_runs),
    tags: config.tag_concurrency_limits.map((limit) => ({
      key: limit.key,
      kind: tagLimitKind(limit),
      value: typeof limit.value === "string" ? limit.value : "",
      limit: String(limit.limit),
    })),
  };
}

export function emptyTagLimit(): TagLimitDraft {
  return { key: "", kind: "key", value: "", limit: "1" };
}

/** A number as typed; `undefined` when it is not one at all (the schema judges the rest). */
function readNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || !/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

function toTagLimit(draft: TagLimitDraft, limit: number): TagConcurrencyLimit {
  const key = draft.key.trim();
  if (draft.kind === "value") return { key, value: draft.value, limit };
  if (draft.kind === "per_unique_value") return { key, value: { applyLimitPerUniqueValue: true }, limit };
  return { key, limit };
}

export function placeOf(path: readonly PropertyKey[] | string): string {
  const dotted = typeof path === "string" ? path : path.map(String).join(".");
  return dotted.replace(/^run_coordinator\./, "");
}

/** Keeps the first problem of each place: one message per field is what fits beside it. */
export function errorsByPlace(issues: readonly ValidationIssue[]): PlaceErrors {
  const errors: PlaceErrors = {};
  for (const issue of issues) {
    const place = placeOf(issue.path);
    errors[place] ??= issue.message;
  }
  return errors;
}

export function readDraft(draft: LimitsDraft): { patch: LimitsPatch } | { errors: PlaceErrors } {
  const errors: PlaceErrors = {};
  const notANumber = "Enter a whole number.";
  const max = readNumber(draft.maxConcurrentRuns);
  if (max === undefined) errors.max_concurrent_runs = notANumber;
  const tags = draft.tags.map((tag, index) => {
    const limit = readNumber(tag.limit);
    if (limit === undefined) errors[`tag_concurrency_limits.${index}.limit`] = notANumber;
    if (tag.key.trim() === "") errors[`tag_concurrency_limits.${index}.key`] = "Name the tag key this limit counts.";
    return toTagLimit(tag, limit ?? 0);
  });
  const parsed = LimitsSchema.safeParse({ max_concurrent_runs: max ?? 0, tag_concurrency_limits: tags });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[placeOf(issue.path)] ??= issue.message;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { patch: parsed.data };
}

/** The server's 422 details (`{issues}`), if that is what they are. */
export function issuesOf(details: unknown): ValidationIssue[] {
  const parsed = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }).safeParse(details);
  return parsed.success ? parsed.data.issues : [];
}
