/**
 * Op definitions: Dagster's `@op`, with named inputs (`In`), named outputs (`Out`, by default a
 * single output "result") and a zod config schema. An op is a function you call inside a job's
 * graph to place a node there; its `definition` is the type-erased form the runner executes.
 */
import type { z } from "zod";
import type { Tags } from "../../protocol";
import type { RetryPolicy } from "../executors/retry-policy";
import type { OpContext } from "./context";
import { invokeOp } from "./graph-builder";

declare const phantom: unique symbol;

/** A named input of an op; `T` is the value type the op's function receives. */
export interface In<T> {
  readonly kind: "in";
  readonly description: string | null;
  readonly [phantom]?: T;
}

/** A named output of an op; `T` is the value type the op's function returns for it. */
export interface Out<T> {
  readonly kind: "out";
  readonly description: string | null;
  readonly [phantom]?: T;
}

export function In<T = unknown>(options: { description?: string } = {}): In<T> {
  return { kind: "in", description: options.description ?? null };
}

export function Out<T = unknown>(options: { description?: string } = {}): Out<T> {
  return { kind: "out", description: options.description ?? null };
}

/** Where a value comes from in a graph: one output of one node. Returned by invoking an op. */
export interface OutputHandle<T> {
  readonly kind: "output_handle";
  readonly node: string;
  readonly output: string;
  readonly [phantom]?: T;
}

export type InDefs = Record<string, In<unknown>>;
export type OutDefs = Record<string, Out<unknown>>;
type ValueOf<D> = D extends In<infer T> ? T : D extends Out<infer T> ? T : never;
export type InputValues<I extends InDefs> = { [K in keyof I]: ValueOf<I[K]> };
export type OutputValues<O extends OutDefs> = { [K in keyof O]: ValueOf<O[K]> };
export type InputHandles<I extends InDefs> = { [K in keyof I]: OutputHandle<ValueOf<I[K]>> };
export type OutputHandles<O extends OutDefs> = { [K in keyof O]: OutputHandle<ValueOf<O[K]>> };
export type ConfigOf<C> = C extends z.ZodType ? z.output<C> : undefined;

export const DEFAULT_OUTPUT = "result";

/** The type-erased op the runner executes and the definitions describe. */
export interface OpDefinition {
  readonly kind: "op";
  readonly name: string;
  readonly description: string | null;
  readonly tags: Tags;
  readonly inputs: readonly { name: string; description: string | null }[];
  readonly outputs: readonly { name: string; description: string | null }[];
  /** True when the function returns an object keyed by output name (`outs`), false for one `result`. */
  readonly multipleOutputs: boolean;
  readonly config: z.ZodType | null;
  /** Dagster's op-level `retry_policy`; wins over the job's. */
  readonly retryPolicy: RetryPolicy | null;
  /** The op concurrency pool whose slot each of its steps holds while it runs (Dagster's `pool`). */
  readonly pool: string | null;
  compute(ctx: OpContext, inputs: Record<string, unknown>): unknown;
}

type Invoke<I extends InDefs, Result> = keyof I extends never
  ? (inputs?: Record<string, never>) => Result
  : (inputs: InputHandles<I>) => Result;

/** An op: call it inside a graph to add a node; `.alias(name)` to add it again under another name. */
export type Op<I extends InDefs, Result> = Invoke<I, Result> & {
  readonly definition: OpDefinition;
  alias(name: string): Invoke<I, Result>;
};

interface OpSpecBase<I extends InDefs, C extends z.ZodType | undefined> {
  name: string;
  description?: string;
  tags?: Tags;
  ins?: I;
  config?: C;
  retryPolicy?: RetryPolicy;
  /** An op concurrency pool: at most its limit of steps of ops naming it run at once, across runs. */
  pool?: string;
}

export interface SingleOutputOpSpec<I extends InDefs, C extends z.ZodType | undefined, R> extends OpSpecBase<I, C> {
  out?: Out<R>;
  run: (ctx: OpContext<ConfigOf<C>>, inputs: InputValues<I>) => R | Promise<R>;
}

export interface MultiOutputOpSpec<I extends InDefs, C extends z.ZodType | undefined, O extends OutDefs>
  extends OpSpecBase<I, C> {
  outs: O;
  run: (ctx: OpContext<ConfigOf<C>>, inputs: InputValues<I>) => OutputValues<O> | Promise<OutputValues<O>>;
}

type NoInputs = Record<never, In<unknown>>;

export function defineOp<O extends OutDefs, I extends InDefs = NoInputs, C extends z.ZodType | undefined = undefined>(
  spec: MultiOutputOpSpec<I, C, O>,
): Op<I, OutputHandles<O>>;
export function defineOp<R, I extends InDefs = NoInputs, C extends z.ZodType | undefined = undefined>(
  spec: SingleOutputOpSpec<I, C, R>,
): Op<I, OutputHandle<Awaited<R>>>;
export function defineOp(
  spec: SingleOutputOpSpec<InDefs, z.ZodType | undefined, unknown> | MultiOutputOpSpec<InDefs, z.ZodType, OutDefs>,
): unknown {
  const outs: OutDefs | undefined = "outs" in spec ? spec.outs : undefined;
  const single = "out" in spec ? spec.out : undefined;
  const definition: OpDefinition = {
    kind: "op",
    name: spec.name,
    description: spec.description ?? null,
    tags: spec.tags ?? {},
    inputs: Object.entries(spec.ins ?? {}).map(([name, def]) => ({ name, description: def.description })),
    outputs: outs
      ? Object.entries(outs).map(([name, def]) => ({ name, description: def.description }))
      : [{ name: DEFAULT_OUTPUT, description: single?.description ?? null }],
    multipleOutputs: outs !== undefined,
    config: spec.config ?? null,
    retryPolicy: spec.retryPolicy ?? null,
    pool: spec.pool ?? null,
    compute: (ctx, inputs) => spec.run(ctx as OpContext<never>, inputs),
  };
  const invoke = (alias: string | null) => (inputs?: Record<string, unknown>) =>
    invokeOp(definition, alias, inputs ?? {});
  return Object.assign(invoke(null), { definition, alias: (name: string) => invoke(name) });
}
