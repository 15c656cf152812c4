/**
 * The tags a submitted run is stored with. `priority` is shorthand for the `flightdeck/priority`
 * tag (DESIGN.md §4; Dagster's `dagster/priority`), an integer, default 0, higher launches first.
 */

import type { SubmitRun, Tags } from "../../protocol";
import { findReservedTagIssues, TAG } from "../../protocol";
import { ValidationFailedError } from "../errors";

const INTEGER = /^-?\d+$/;

export function resolveRunTags(submit: Pick<SubmitRun, "tags" | "priority">): { tags: Tags; priority: number } {
  const tags: Tags = { ...(submit.tags ?? {}) };
  const tagged = tags[TAG.priority];
  const path = `tags.${TAG.priority}`;
  if (tagged !== undefined && !(INTEGER.test(tagged) && Number.isSafeInteger(Number(tagged)))) {
    const message = `must be an integer written in decimal, like "5" or "-1"; got ${JSON.stringify(tagged)}`;
    throw new ValidationFailedError(`The tag ${TAG.priority} ${message}.`, [{ path, message }]);
  }
  if (submit.priority !== undefined && tagged !== undefined && Number(tagged) !== submit.priority) {
    const message = `says ${tagged} but priority says ${submit.priority}; send only one of them`;
    throw new ValidationFailedError(`The tag ${TAG.priority} ${message}.`, [{ path, message }]);
  }
  const priority = submit.priority ?? (tagged === undefined ? 0 : Number(tagged));
  if (submit.priority !== undefined || tagged !== undefined) tags[TAG.priority] = String(priority);
  return { tags, priority };
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
