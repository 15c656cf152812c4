/**
 * Domain errors: each carries the HTTP status and the protocol error code it is answered with
 * (DESIGN.md §5). `app.onError` turns them into the error envelope; anything that is not a
 * DomainError is a bug and becomes an opaque 500.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode, ValidationIssue } from "../protocol";

export class DomainError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidJsonError extends DomainError {
  constructor(message: string) {
    super(400, "invalid_json", message);
  }
}

/** A body or query that is JSON but not the shape the route takes; `issues` name each bad path. */
export class ValidationFailedError extends DomainError {
  constructor(message: string, issues: ValidationIssue[]) {
    super(422, "validation_failed", message, { issues });
  }
}

export class InvalidRunConfigError extends DomainError {
  constructor(message: string, issues: ValidationIssue[]) {
    super(422, "invalid_run_config", message, { issues });
  }
}

/** A document or query past one of the bounds that keep every request cheap to check. */
export class LimitExceededError extends DomainError {
  constructor(message: string) {
    super(400, "limit_exceeded", message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super(413, "payload_too_large", `The body is larger than ${maxBytes} bytes; send a smaller one.`);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super(401, "unauthorized", message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class NotFoundError extends DomainError {
  constructor(
    code:
      | "not_found"
      | "location_not_found"
      | "job_not_found"
      | "run_not_found"
      | "alert_policy_not_found"
      | "alert_delivery_not_found"
      | "token_not_found",
    message: string,
  ) {
    super(404, code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(
    code: "conflict" | "location_not_loaded" | "invalid_transition" | "run_ended" | "run_not_in_progress",
    message: string,
  ) {
    super(409, code, message);
  }
}
