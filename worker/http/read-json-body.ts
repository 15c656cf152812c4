/**
 * Reads a request body as JSON and parses it with a protocol schema. Malformed JSON is a 400
 * `invalid_json`; JSON nested too deep or with too many keys is a 400 `limit_exceeded`, checked
 * before the schema recurses into it; JSON of the wrong shape is a 422 `validation_failed` naming
 * each bad path. Handlers call this before they touch storage, so bad input stores nothing.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { findJsonLimitBreach } from "../../protocol";
import { InvalidJsonError, LimitExceededError, ValidationFailedError } from "../errors";
import { describeIssues, issuesFromZod } from "./validation-issues";

export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (text.trim() === "") throw new InvalidJsonError("The body is empty; send a JSON object.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidJsonError(`The body is not valid JSON (${reason}); send a JSON object.`);
  }
  const breach = findJsonLimitBreach(value);
  if (breach !== null) throw new LimitExceededError(`The body ${breach.message}; send a flatter or smaller document.`);
  return parseOrFail(schema, value, "The body does not match what this route takes");
}

/** Parses `value` with `schema`, or throws a ValidationFailedError whose message lists the issues. */
export function parseOrFail<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error);
  throw new ValidationFailedError(describeIssues(what, issues), issues);
}
