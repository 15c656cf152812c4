/**
 * Turns a zod error into the protocol's ValidationIssues (`{path, message}` with dotted paths such
 * as `events.3.seq`) and a message that names every bad path, so a caller can fix all at once.
 */
import type { z } from "zod";
import type { ValidationIssue } from "../../protocol";

export function toDottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => String(segment)).join(".");
}

export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: toDottedPath(issue.path), message: issue.message }));
}

/** "what: path1: message1; path2: message2" — the envelope's message lists every issue. */
export function describeIssues(what: string, issues: readonly ValidationIssue[]): string {
  const listed = issues.map((i) => `${i.path === "" ? "(root)" : i.path}: ${i.message}`).join("; ");
  return `${what}: ${listed}`;
}
