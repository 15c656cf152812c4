/**
 * The tags a submitted run is stored with. `priority` is shorthand for the `flightdeck/priority`
 * tag (DESIGN.md §4; Dagster's `dagster/priority`), an integer, default 0, higher launches first.
 *
 * The tag is kept as written and read the way Dagster reads it (protocol/priority-tag.ts): `" 3 "`
 * is 3, and a value Python's int() cannot read counts as 0 — the run is accepted and launches,
 * and its event log says why it sits at priority 0. Only a contradiction is refused: `priority`
 * and a tag that reads as another number.
 */

import type { SubmitRun, Tags } from "../../protocol";
import { findReservedTagIssues, readPriorityTag, TAG } from "../../protocol";
import { ValidationFailedError } from "../errors";

export function resolveRunTags(submit: Pick<SubmitRun, "tags" | "priority">): { tags: Tags; priority: number } {
  const tags: Tags = { ...(submit.tags ?? {}) };
  const tagged = tags[TAG.priority];
  const read = readPriorityTag(tagged);
  if (submit.priority !== undefined && tagged !== undefined && read.priority !== submit.priority) {
    const path = `tags.${TAG.priority}`;
    const message = `reads as ${read.priority} but priority says ${submit.priority}; send only one of them`;
    throw new ValidationFailedError(`The tag ${TAG.priority} ${message}.`, [{ path, message }]);
  }
  if (submit.priority !== undefined && tagged === undefined) tags[TAG.priority] = String(submit.priority);
  return { tags, priority: submit.priority ?? read.priority };
}

/**
 * Refuses tags a caller sent (a submit, a re-execute) whose `flightdeck/` keys are not in the
 * protocol's RESERVED_TAGS, are set only by Flightdeck, or hold a value of the wrong type.
 */
export function refuseBadReservedTags(tags: Tags | undefined): void {
  const issues = findReservedTagIssues(tags ?? {}).map((i) => ({ path: `tags.${i.key}`, message: i.message }));
  if (issues.length === 0) return;
  const listed = issues.map((i) => `${i.path} ${i.message}`).join("; ");
  throw new ValidationFailedError(`The tags are not valid: ${listed}.`, issues);
}
