/**
 * What an op's function sees while it runs: Dagster's OpExecutionContext. The run worker builds
 * one per step; the SDK only declares its shape so op authors get types.
 */

/** Writes LOG events into the run's event log at the level its name says. */
export interface OpLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

export interface OpContext<Config = unknown> {
  /** This node's `run_config.ops.<node>.config`, parsed by the op's zod schema (defaults applied). */
  readonly config: Config;
  readonly runId: string;
  readonly attempt: number;
  /** 0 on a step's first attempt, n on its n-th retry (Dagster's `context.retry_number`). */
  readonly retryNumber: number;
  readonly jobName: string;
  /** The step being executed; equal to the node's name in the job's graph. */
  readonly stepKey: string;
  readonly log: OpLogger;
  /** Aborted when the run is terminated: long-running ops should stop and throw. */
  readonly signal: AbortSignal;
}
