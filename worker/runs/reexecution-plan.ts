/**
 * Which steps a re-execution runs (Dagster's `ReexecutionOptions.from_failure` /
 * `KnownExecutionState`), as a pure function of the job's graph and what the parent run did.
 *
 * ALL_STEPS: every step. FROM_FAILURE: every step of the parent's selection that did not succeed
 * in the parent (failed, skipped, never started), plus everything downstream of those. Steps
 * outside the parent's own selection succeeded in an ancestor, so their outputs are read from
 * there (the run worker follows the chain of parents). SELECTED_STEPS: the steps chosen on the run
 * page, with or without their downstream (selectChosenSteps).
 */
import type { NodeDefinition, ReexecutionStrategy } from "../../protocol";

export type ParentExecution = {
  /** The steps the parent run was asked to execute; null when it ran the whole job. */
  selected: readonly string[] | null;
  /** Steps with a STEP_SUCCESS in the parent's event log. */
  succeeded: ReadonlySet<string>;
};

export type ReexecutionSelection =
  | { ok: true; stepKeys: string[] }
  | { ok: false; code: "nothing_to_run" | "unknown_steps" | "upstream_not_available"; reason: string };

type GraphNode = Pick<NodeDefinition, "name" | "inputs">;

export function selectStepsToReexecute(
  nodes: readonly GraphNode[],
  strategy: ReexecutionStrategy,
  parent: ParentExecution,
): ReexecutionSelection {
  const all = nodes.map((n) => n.name);
  if (strategy === "ALL_STEPS") return { ok: true, stepKeys: all };
  const selected = new Set(parent.selected ?? all);
  const toRun = new Set(all.filter((name) => selected.has(name) && !parent.succeeded.has(name)));
  if (toRun.size === 0) {
    return {
      ok: false,
      code: "nothing_to_run",
      reason: "every step of the parent run succeeded; there is nothing to re-execute from failure",
    };
  }
  addDownstream(nodes, toRun);
  return { ok: true, stepKeys: all.filter((name) => toRun.has(name)) };
}

/**
 * The run page's step selection (Dagster's `step_selection`): exactly `chosen`, or with
 * `includeDownstream` those and everything downstream of them (Dagster's `step*`, as in its docs'
 * `step_selection=["unreliable*"]`). Dagster refuses a selection naming a step the job lacks
 * (DagsterExecutionStepNotFoundError); so does this. A step left out whose output a chosen step
 * reads must have an output to read: it succeeded in the parent, or the parent reused it from an
 * ancestor — otherwise the new run could only fail at that input, so it is refused up front.
 */
export function selectChosenSteps(
  nodes: readonly GraphNode[],
  chosen: readonly string[],
  includeDownstream: boolean,
  parent: ParentExecution,
): ReexecutionSelection {
  const all = nodes.map((n) => n.name);
  const unknown = [...new Set(chosen)].filter((key) => !all.includes(key));
  if (unknown.length > 0) {
    return {
      ok: false,
      code: "unknown_steps",
      reason: `the job has no step ${unknown.map((k) => `"${k}"`).join(", ")}; its steps are ${all.join(", ")}`,
    };
  }
  const toRun = new Set(chosen);
  if (includeDownstream) addDownstream(nodes, toRun);
  const reusedByParent = (name: string) => parent.selected !== null && !parent.selected.includes(name);
  const missing = new Set<string>();
  for (const node of nodes) {
    if (!toRun.has(node.name)) continue;
    for (const input of node.inputs) {
      const from = input.from?.node;
      if (from === undefined || toRun.has(from)) continue;
      if (!parent.succeeded.has(from) && !reusedByParent(from)) missing.add(from);
    }
  }
  if (missing.size > 0) {
    const names = [...missing].map((k) => `"${k}"`).join(", ");
    return {
      ok: false,
      code: "upstream_not_available",
      reason: `the selection reads the output of ${names}, which did not succeed in the parent run; select ${missing.size === 1 ? "it" : "them"} too`,
    };
  }
  return { ok: true, stepKeys: all.filter((name) => toRun.has(name)) };
}

/** Adds to `toRun` every step downstream of one in it. */
function addDownstream(nodes: readonly GraphNode[], toRun: Set<string>): void {
  // Nodes of a snapshot are in dependency order, so one pass reaches them all; loop until stable
  // anyway so an unordered snapshot cannot drop a step.
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
}
