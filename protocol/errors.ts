/**
 * The error envelope every non-2xx reply carries (DESIGN.md §5), and the codes it may name.
 * Codes are stored and matched by clients: add new ones, never rename.
 */
import { z } from "zod";

export const ErrorCodeSchema = z.enum([
  "bad_request",
  "invalid_json",
  "validation_failed",
  "invalid_run_config",
  "payload_too_large",
  "limit_exceeded",
  "unauthorized",
  "forbidden",
  "not_found",
  "location_not_found",
  "location_not_loaded",
  "location_load_error",
  "job_not_found",
  "run_not_found",
  "alert_policy_not_found",
  "alert_delivery_not_found",
  "conflict",
  "invalid_transition",
  "run_ended",
  "run_not_in_progress",
  "location_unreachable",
  "token_not_found",
  "idempotency_key_reused",
  "internal_error",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** One problem at one place of a validated document, e.g. `ops.fetch.config.url`. */
export const ValidationIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;
