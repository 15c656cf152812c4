/**
 * API tokens and the audit log, as the API and the dashboard see them. A token's secret is in the
 * reply that creates it and nowhere else: the control plane keeps only its SHA-256 digest.
 */
import { z } from "zod";
import { RoleSchema } from "./roles";
import { TimestampSchema } from "./run";

export const API_TOKEN_PREFIX = "fdt_";
export const MAX_TOKEN_NAME_LENGTH = 100;
export const MAX_TOKEN_DAYS = 3650;

/** `POST /api/tokens`. */
export const CreateApiTokenSchema = z.object({
  name: z.string().trim().min(1, "give the token a name").max(MAX_TOKEN_NAME_LENGTH),
  role: RoleSchema,
  expires_in_days: z
    .number()
    .int()
    .min(1)
    .max(MAX_TOKEN_DAYS)
    .optional()
    .describe("days until the token stops working; omitted, it never expires"),
});
export type CreateApiToken = z.infer<typeof CreateApiTokenSchema>;

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  /** Who created it, as audit rows name actors. */
  created_by: z.string(),
  created_at: TimestampSchema,
  last_used_at: TimestampSchema.nullable(),
  expires_at: TimestampSchema.nullable(),
  revoked_at: TimestampSchema.nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** The one reply that holds the secret: keep it now, it is never shown again. */
export const CreatedApiTokenReplySchema = z.object({ token: ApiTokenSchema, secret: z.string() });
export type CreatedApiTokenReply = z.infer<typeof CreatedApiTokenReplySchema>;
export const ApiTokenReplySchema = z.object({ token: ApiTokenSchema });
export const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });
export type ApiTokenList = z.infer<typeof ApiTokenListSchema>;

/** `GET /api/audit`: every change, newest first, filtered; page with `before` = the last id seen. */
export const AuditQuerySchema = z.object({
  actor: z.string().max(200).optional().describe("part of the actor's name, e.g. a token name or session id"),
  action: z.string().max(100).optional().describe("the action, e.g. submitRun or instance.update"),
  since: z.coerce.number().int().nonnegative().optional().describe("from this time on (ms since the epoch)"),
  until: z.coerce.number().int().nonnegative().optional().describe("before this time (ms since the epoch)"),
  before: z.coerce.number().int().positive().optional().describe("only rows older than this id (the next page)"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  ts: TimestampSchema,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditListSchema = z.object({
  entries: z.array(AuditEntrySchema),
  next_before: z.number().int().nullable(),
});
export type AuditList = z.infer<typeof AuditListSchema>;
