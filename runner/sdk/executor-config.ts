/**
 * Choosing an executor, on a job (Dagster's `executor_def`) or as the code location's default
 * (`Definitions(executor=...)`): `"in_process"`, `"multiprocess"`, or
 * `multiprocessExecutor({ maxConcurrent, tagConcurrencyLimits })`.
 */
import type { ExecutorKind } from "../../protocol";
import type { TagConcurrencyLimit } from "../../protocol/instance-config";

export interface MultiprocessOptions {
  /** Steps running at once; absent or 0: the number of CPUs. */
  readonly maxConcurrent?: number;
  /** On op tags, with the run queue's semantics (`{key}`, `{key, value}`, per unique value). */
  readonly tagConcurrencyLimits?: readonly TagConcurrencyLimit[];
}

export type ExecutorConfig =
  | { readonly kind: "in_process" }
  | ({ readonly kind: "multiprocess" } & MultiprocessOptions);

export type ExecutorSpec = ExecutorKind | ExecutorConfig;

export function multiprocessExecutor(options: MultiprocessOptions = {}): ExecutorConfig {
  if (options.maxConcurrent !== undefined && !(Number.isInteger(options.maxConcurrent) && options.maxConcurrent >= 0)) {
    throw new Error(`multiprocessExecutor: maxConcurrent must be a whole number ≥ 0, got ${options.maxConcurrent}`);
  }
  return { kind: "multiprocess", ...options };
}

export function toExecutorConfig(spec: ExecutorSpec): ExecutorConfig {
  return typeof spec === "string" ? { kind: spec } : spec;
}
