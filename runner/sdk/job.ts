/**
 * Jobs: Dagster's `@job`, a graph of op invocations plus the executor that runs its steps.
 * `defineJob` records the graph, validates it and throws one DefinitionError naming the job and
 * every bad node, so a broken job fails the code location's load instead of a run.
 */
import type { ExecutorKind, Tags } from "../../protocol";
import type { IoManager } from "../executors/io-manager";
import type { RetryPolicy } from "../executors/retry-policy";
import { orderNodes } from "../graph/order";
import { type ExecutorConfig, type ExecutorSpec, toExecutorConfig } from "./executor-config";
import { recordGraph } from "./graph-builder";
import { DefinitionError, findGraphProblems, type OpShape, upstreamOf } from "./graph-validation";
import type { OpDefinition, OutputHandle } from "./op";

/** Kept for existing imports: every executor kind is available now. */
export type AvailableExecutor = ExecutorKind;

export interface JobSpec {
  name: string;
  description?: string;
  tags?: Tags;
  /** Absent: the code location's default executor, else in_process. */
  executor?: ExecutorSpec;
  /** Dagster's job-level `op_retry_policy`: for every op that has none of its own. */
  retryPolicy?: RetryPolicy;
  /** Where outputs between steps are kept; the default keeps them as files (see io-manager.ts). */
  ioManager?: IoManager;
  /** Invoke ops here; pass the handles they return as inputs of downstream ops. */
  graph: () => void;
}

export interface JobNode {
  /** The node's name in the graph, which is also its step key. */
  readonly name: string;
  readonly op: OpDefinition;
  readonly inputs: readonly { name: string; from: { node: string; output: string } }[];
  readonly upstream: readonly string[];
}

export interface Job {
  readonly kind: "job";
  readonly name: string;
  readonly description: string | null;
  readonly tags: Tags;
  readonly executor: ExecutorKind;
  readonly executorConfig: ExecutorConfig;
  /** False when the job named no executor, so the code location's default applies. */
  readonly executorSet: boolean;
  readonly retryPolicy: RetryPolicy | null;
  readonly ioManager: IoManager | null;
  /** In dependency order: every node comes after the nodes it takes inputs from. */
  readonly nodes: readonly JobNode[];
}

export function defineJob(spec: JobSpec): Job {
  const recorded = recordGraph(spec.graph);
  const ops = new Map<string, OpShape>();
  for (const node of recorded) {
    ops.set(node.op.name, {
      inputs: node.op.inputs.map((i) => i.name),
      outputs: node.op.outputs.map((o) => o.name),
    });
  }
  const validated = recorded.map((node) => ({ name: node.name, op: node.op.name, inputs: node.inputs }));
  const problems = findGraphProblems(spec.name, validated, ops);
  const distinctOps = new Map<string, OpDefinition>();
  for (const node of recorded) {
    const seen = distinctOps.get(node.op.name);
    if (seen && seen !== node.op) {
      problems.push(`job "${spec.name}", node "${node.name}": two different ops are named "${node.op.name}"`);
    }
    distinctOps.set(node.op.name, node.op);
  }
  if (problems.length > 0) throw new DefinitionError(`job "${spec.name}"`, problems);

  const byName = new Map(recorded.map((node) => [node.name, node]));
  const order = orderNodes(validated.map((node) => ({ name: node.name, upstream: upstreamOf(node) })));
  const names = order.ok ? order.order : [];
  const nodes = names.flatMap((name): JobNode[] => {
    const node = byName.get(name);
    if (!node) return [];
    const inputs = node.op.inputs.map((input) => {
      const source = node.inputs[input.name] as OutputHandle<unknown>;
      return { name: input.name, from: { node: source.node, output: source.output } };
    });
    return [{ name, op: node.op, inputs, upstream: [...new Set(inputs.map((i) => i.from.node))] }];
  });
  const executorConfig = toExecutorConfig(spec.executor ?? "in_process");
  return {
    kind: "job",
    name: spec.name,
    description: spec.description ?? null,
    tags: spec.tags ?? {},
    executor: executorConfig.kind,
    executorConfig,
    executorSet: spec.executor !== undefined,
    retryPolicy: spec.retryPolicy ?? null,
    ioManager: spec.ioManager ?? null,
    nodes,
  };
}
