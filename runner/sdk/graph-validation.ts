/**
 * Checks a recorded job graph before anything runs: Dagster's definition-time validation of a
 * `@job` (invalid names, duplicate nodes, unwired or unknown inputs, cycles). Pure: returns every
 * problem as a sentence that names the job and the node, so one load error says it all.
 */
import { NameSchema } from "../../protocol";
import { orderNodes } from "../graph/order";
import { isOutputHandle } from "./graph-builder";

export interface OpShape {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface NodeToValidate {
  readonly name: string;
  readonly op: string;
  /** What the graph function passed for each input: an output handle, or anything else (a mistake). */
  readonly inputs: Readonly<Record<string, unknown>>;
}

function badName(name: string): string | null {
  const result = NameSchema.safeParse(name);
  return result.success ? null : (result.error.issues[0]?.message ?? "invalid name");
}

export function findGraphProblems(
  job: string,
  nodes: readonly NodeToValidate[],
  ops: ReadonlyMap<string, OpShape>,
): string[] {
  const problems: string[] = [];
  const jobNameProblem = badName(job);
  if (jobNameProblem) problems.push(`job name "${job}" is invalid: ${jobNameProblem}`);
  if (nodes.length === 0) problems.push(`job "${job}" has no ops: invoke at least one op in its graph`);
  const byName = new Map<string, NodeToValidate>();
  for (const node of nodes) {
    const where = `job "${job}", node "${node.name}"`;
    const nameProblem = badName(node.name);
    if (nameProblem) problems.push(`${where}: the node name is invalid: ${nameProblem}`);
    if (byName.has(node.name)) {
      problems.push(`${where}: the name is used twice; give one invocation another name with ${node.op}.alias("...")`);
    }
    byName.set(node.name, node);
  }
  for (const node of nodes) {
    const where = `job "${job}", node "${node.name}"`;
    const op = ops.get(node.op);
    if (!op) {
      problems.push(`${where}: op "${node.op}" is unknown`);
      continue;
    }
    for (const input of op.inputs) {
      if (!(input in node.inputs)) problems.push(`${where}: input "${input}" of op "${node.op}" is not wired`);
    }
    for (const [input, source] of Object.entries(node.inputs)) {
      if (!op.inputs.includes(input)) {
        problems.push(`${where}: op "${node.op}" has no input "${input}" (it has: ${op.inputs.join(", ") || "none"})`);
      } else if (!isOutputHandle(source)) {
        problems.push(`${where}: input "${input}" must be an output of another op in this graph, not a plain value`);
      } else {
        const upstream = byName.get(source.node);
        const upstreamOp = upstream && ops.get(upstream.op);
        if (!upstream) {
          problems.push(`${where}: input "${input}" comes from node "${source.node}", which is not in this job`);
        } else if (upstreamOp && !upstreamOp.outputs.includes(source.output)) {
          problems.push(
            `${where}: input "${input}" comes from output "${source.output}" that node "${source.node}" lacks`,
          );
        }
      }
    }
  }
  const order = orderNodes(nodes.map((node) => ({ name: node.name, upstream: upstreamOf(node) })));
  if (!order.ok)
    problems.push(`job "${job}", node "${order.cycle[0]}": nodes form a cycle: ${order.cycle.join(" → ")}`);
  return problems;
}

/** Names of the nodes a node's inputs come from. */
export function upstreamOf(node: NodeToValidate): string[] {
  return Object.values(node.inputs).flatMap((source) => (isOutputHandle(source) ? [source.node] : []));
}

/** Thrown at load when a definition is invalid; the message lists every problem. */
export class DefinitionError extends Error {
  override readonly name = "DefinitionError";
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${subject}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}
