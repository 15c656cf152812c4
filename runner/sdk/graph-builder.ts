/**
 * Records a job's graph while its `graph` function runs: Dagster's composition functions, where
 * calling an op inside `@job` places a node and returns handles to its outputs. Recording never
 * throws for a badly wired graph; `graph-validation.ts` reports every problem at once.
 */
import type { OpDefinition, OutputHandle } from "./op";

/** One op invocation as written: which op, under which node name, with the values passed as inputs. */
export interface RecordedNode {
  readonly name: string;
  readonly op: OpDefinition;
  readonly inputs: Readonly<Record<string, unknown>>;
}

let recording: RecordedNode[] | null = null;

/** Runs `build` and returns the nodes it placed, in the order they were invoked. */
export function recordGraph(build: () => void): RecordedNode[] {
  if (recording) throw new Error("a job's graph function cannot define another job's graph");
  const nodes: RecordedNode[] = [];
  recording = nodes;
  try {
    build();
  } finally {
    recording = null;
  }
  return nodes;
}

function handleOf(node: string, output: string): OutputHandle<unknown> {
  return { kind: "output_handle", node, output };
}

export function isOutputHandle(value: unknown): value is OutputHandle<unknown> {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "output_handle";
}

/** Called by an op when it is invoked: records the node and returns handles to its outputs. */
export function invokeOp(op: OpDefinition, alias: string | null, inputs: Record<string, unknown>): unknown {
  if (!recording) {
    throw new Error(
      `op "${op.name}" was called outside a job's graph: call ops inside defineJob({ graph: () => ... })`,
    );
  }
  const name = alias ?? op.name;
  recording.push({ name, op, inputs: { ...inputs } });
  if (!op.multipleOutputs) return handleOf(name, op.outputs[0]?.name ?? "result");
  return Object.fromEntries(op.outputs.map((output) => [output.name, handleOf(name, output.name)]));
}
