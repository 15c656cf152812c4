/**
 * Which steps a re-execution runs (Dagster's `ReexecutionOptions.from_failure` /
 * `KnownExecutionState`), as a pure function of the job's graph and what the parent run did.
 *
 * ALL_STEPS: every step. FROM_FAILURE: every step of the parent's selection that did not succeed
 * in the parent (failed, skipped, never started), plus everything downstream of those. Steps
 * outside the parent's own selection succeeded in an ancestor, so their outputs are read from
 * there (the run worker follows the chain of parents).
 */
import type { NodeDefinition, ReexecutionStrategy } from "../../protocol";

export type ParentExecution = {
  /** The steps the parent run was asked to execute; null when it ran the whole job. */
  selected: readonly string[] | null;
  /** Steps with a STEP_SUCCESS in the parent's event log. */
  succeeded: ReadonlySet<string>;
};

export type ReexecutionSelection = { ok: true; stepKeys: string[] } | { ok: false; reason: string };

export function selectStepsToReexecute(
  nodes: readonly Pick<NodeDefinition, "name" | "inputs">[],
  strategy: ReexecutionStrategy,
  parent: ParentExecution,
): ReexecutionSelection {
  const all = nodes.map((n) => n.name);
  if (strategy === "ALL_STEPS") return { ok: true, stepKeys: all };
  const selected = new Set(parent.selected ?? all);
  const toRun = new Set(all.filter((name) => selected.has(name) && !parent.succeeded.has(name)));
  if (toRun.size === 0) {
    return { ok: false, reason: "every step of the parent run succeeded; there is nothing to re-execute from failure" };
  }
  // Downstream closure. Nodes of a snapshot are in dependency order, so one pass reaches them all;
  // loop until stable anyway so an unordered snapshot cannot drop a step.
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (toRun.has(node.name)) continue;
      if (node.inputs.some((input) => input.from !== null && toRun.has(input.from.node))) {
        toRun.add(node.name);
        grew = true;
      }
    }
  }
  return { ok: true, stepKeys: all.filter((name) => toRun.has(name)) };
}
