/**
 * The SDK of `@flightdeck/runner`: what a code location module imports to define ops, jobs and the
 * location itself (Dagster's `@op`, `@job`, `Definitions`).
 */
export type { CodeLocation, CodeLocationSpec, Schedule, Sensor } from "./code-location";
export { defineCodeLocation } from "./code-location";
export type { OpContext, OpLogger } from "./context";
export { DefinitionError } from "./graph-validation";
export type { AvailableExecutor, Job, JobSpec } from "./job";
export { defineJob } from "./job";
export type { Op, OpDefinition, OutputHandle } from "./op";
export { defineOp, In, Out } from "./op";
