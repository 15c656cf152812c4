/**
 * The op concurrency pools a run's first steps need, computed once when the run is submitted, from
 * its job's step graph and the steps it executes. Dagster's `compute_run_op_concurrency_info_for_snapshot`
 * (python_modules/dagster/dagster/_core/op_concurrency_limits_counter.py): a first (root) step is
 * one with no upstream step among the steps executed; its pool is the op's `pool`. The run
 * coordinator keeps the result with the queued run (op-concurrency.ts decides on it).
 */
import type { NodeDefinition } from "../../../protocol/definitions";

/** Pool → how many of the run's first steps need a slot of it. */
export type PoolNeeds = Readonly<Record<string, number>>;

type StepNode = Pick<NodeDefinition, "name" | "pool" | "inputs">;

/**
 * The pools the first steps of a run need, or null when the run can never be held back by a pool:
 * some first step needs none (Dagster's `has_unconstrained_root_nodes`: that step makes progress),
 * or it executes no step. `stepKeys`: the steps a re-execution selects; null or absent, all.
 */
export function firstStepPoolsOf(nodes: readonly StepNode[], stepKeys?: readonly string[] | null): PoolNeeds | null {
  const selected = stepKeys ? new Set(stepKeys) : null;
  const executed = nodes.filter((node) => !selected || selected.has(node.name));
  const names = new Set(executed.map((node) => node.name));
  // A Map, not an object literal: a pool may be named "__proto__".
  const needs = new Map<string, number>();
  let roots = 0;
  for (const node of executed) {
    if (node.inputs.some((input) => input.from !== null && names.has(input.from.node))) continue;
    roots += 1;
    if (!node.pool) return null;
    needs.set(node.pool, (needs.get(node.pool) ?? 0) + 1);
  }
  return roots > 0 ? Object.fromEntries(needs) : null;
}
