/**
 * The SDK of `@flightdeck/runner`: what a code location module imports to define ops, jobs and the
 * location itself (Dagster's `@op`, `@job`, `Definitions`).
 */

export type { IoManager, OutputRef } from "../executors/io-manager";
export type { Backoff, Jitter, RetryPolicy } from "../executors/retry-policy";
export type { CodeLocation, CodeLocationSpec, Schedule, Sensor } from "./code-location";
export { defineCodeLocation } from "./code-location";
export type { OpContext, OpLogger } from "./context";
export { type ExecutorSpec, multiprocessExecutor } from "./executor-config";
export { DefinitionError } from "./graph-validation";
export type { AvailableExecutor, Job, JobSpec } from "./job";
export { defineJob } from "./job";
export type { Op, OpDefinition, OutputHandle } from "./op";
export { defineOp, In, Out } from "./op";
export type { ScheduleContext, ScheduleResult, ScheduleSpec } from "./schedule";
export { defineSchedule } from "./schedule";
export type { RunStatusSensorContext, RunStatusSensorSpec, SensorContext, SensorResult, SensorSpec } from "./sensor";
export { defineRunStatusSensor, defineSensor } from "./sensor";
export { Failure, RetryRequested } from "./step-errors";
