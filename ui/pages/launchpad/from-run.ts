/**
 * "Open in launchpad" from a run (Dagster's run page action of the same name): the launchpad
 * starts from that run's config, tags and priority instead of the job's scaffold, to edit and
 * launch anew. Tags only Flightdeck may set (a run's lineage, the schedule or sensor that launched
 * it, the retry bookkeeping) are left out, as a submit naming them is refused; the priority tag
 * becomes the priority field.
 */

import type { Run } from "../../../protocol/run";
import { RESERVED_TAGS, type ReservedTag, TAG } from "../../../protocol/tags";
import type { TagRow } from "./tags-editor";

export type LaunchpadSeed = { configText: string; tags: TagRow[]; priority: string };

const isSystemTag = (key: string) => RESERVED_TAGS[key as ReservedTag]?.setBy === "system";

export function seedFromRun(run: Pick<Run, "run_config" | "tags" | "priority">): LaunchpadSeed {
  return {
    configText: JSON.stringify(run.run_config, null, 2),
    tags: Object.entries(run.tags)
      .filter(([key]) => key !== TAG.priority && !isSystemTag(key))
      .map(([key, value]) => ({ key, value })),
    priority: String(run.priority),
  };
}
