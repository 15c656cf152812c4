/**
 * Errors op code may throw to steer step retries: Dagster's `RetryRequested` (retry this step,
 * up to `maxRetries` times, after `secondsToWait`) and `Failure` (fail now, never retry, whatever
 * the retry policy says). Recognized by name too, so they work across the step process boundary
 * and across copies of the SDK.
 */

export class RetryRequested extends Error {
  readonly maxRetries: number;
  readonly secondsToWait: number | null;
  constructor(options: { maxRetries?: number; secondsToWait?: number; message?: string; cause?: unknown } = {}) {
    super(options.message ?? "the op requested a retry", { cause: options.cause });
    this.name = "RetryRequested";
    this.maxRetries = options.maxRetries ?? 1;
    this.secondsToWait = options.secondsToWait ?? null;
  }
}

export class Failure extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "Failure";
  }
}
