/**
 * A code location: Dagster's `Definitions` object, the one thing a location module exports
 * (`export default defineCodeLocation({ jobs })`). The code location server serves it and the run
 * worker looks jobs up in it.
 */
import { type ExecutorSpec, toExecutorConfig } from "./executor-config";
import { DefinitionError } from "./graph-validation";
import type { Job } from "./job";
import type { Schedule } from "./schedule";
import type { Sensor } from "./sensor";

/** Schedules and sensors: their wire definitions plus the functions the server evaluates. */
export type { Schedule } from "./schedule";
export type { Sensor } from "./sensor";

export interface CodeLocationSpec {
  jobs: readonly Job[];
  schedules?: readonly Schedule[];
  sensors?: readonly Sensor[];
  /** The executor of every job that names none (Dagster's `Definitions(executor=...)`). */
  executor?: ExecutorSpec;
}

export interface CodeLocation {
  readonly kind: "code_location";
  readonly jobs: readonly Job[];
  readonly schedules: readonly Schedule[];
  readonly sensors: readonly Sensor[];
}

export function defineCodeLocation(spec: CodeLocationSpec): CodeLocation {
  const problems: string[] = [];
  const jobNames = new Set<string>();
  for (const job of spec.jobs) {
    if (jobNames.has(job.name)) problems.push(`job "${job.name}" is defined twice`);
    jobNames.add(job.name);
  }
  for (const item of [...(spec.schedules ?? []), ...(spec.sensors ?? [])]) {
    if (item.job !== null && !jobNames.has(item.job)) {
      problems.push(`"${item.name}" targets job "${item.job}", which is not in this code location`);
    }
  }
  if (problems.length > 0) throw new DefinitionError("code location", problems);
  const fallback = spec.executor === undefined ? null : toExecutorConfig(spec.executor);
  const jobs = fallback
    ? spec.jobs.map((job) => (job.executorSet ? job : { ...job, executor: fallback.kind, executorConfig: fallback }))
    : spec.jobs;
  return { kind: "code_location", jobs, schedules: spec.schedules ?? [], sensors: spec.sensors ?? [] };
}

export function isCodeLocation(value: unknown): value is CodeLocation {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "code_location";
}

/** The code location a loaded module exports as default, or an error saying how to export one. */
export function codeLocationOf(module: unknown): CodeLocation {
  const exported = typeof module === "object" && module !== null ? (module as { default?: unknown }).default : null;
  if (isCodeLocation(exported)) return exported;
  throw new Error("the code location module must `export default defineCodeLocation({ jobs: [...] })`");
}

export function findJob(location: CodeLocation, name: string): Job | null {
  return location.jobs.find((job) => job.name === name) ?? null;
}
