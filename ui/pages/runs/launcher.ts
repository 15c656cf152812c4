/** What launched a run, from its tags and parent (pure; launched-by.tsx draws it). */
import type { Run } from "../../../protocol/run";
import { TAG } from "../../../protocol/tags";

export type Launcher =
  | { kind: "schedule" | "sensor"; name: string; href: string }
  | { kind: "reexecution"; parent: string }
  | { kind: "manual" };

export function launcherOf(run: Pick<Run, "location" | "tags" | "parent_run_id">): Launcher {
  const enc = encodeURIComponent;
  for (const kind of ["schedule", "sensor"] as const) {
    const name = run.tags[TAG[kind]];
    if (name) return { kind, name, href: `/${kind}s/${enc(run.location)}/${enc(name)}` };
  }
  if (run.parent_run_id) return { kind: "reexecution", parent: run.parent_run_id };
  return { kind: "manual" };
}
