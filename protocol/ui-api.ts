/**
 * The API the dashboard adds to DESIGN.md §5.1: the session that signs a browser in (§7), the
 * runs-by-status summary of the Overview, and bulk terminate (§8). Declared once here; the Worker
 * validates with these and the dashboard parses every reply with them.
 */
import { z } from "zod";
import { RoleSchema } from "./roles";
import { RunSchema, RunStatusSchema, TimestampSchema } from "./run";

// ---- the dashboard session

/** `POST /api/session`: trade an API token (or the admin token) for an HttpOnly session cookie. */
export const CreateSessionSchema = z.object({ token: z.string().min(1, "enter an API token") });
export type CreateSession = z.infer<typeof CreateSessionSchema>;

/** `POST /api/session` and `GET /api/session`: who is signed in, with which role, and until when. */
export const SessionReplySchema = z.object({
  session: z.object({
    id: z.string(),
    role: RoleSchema,
    /** As audit rows name this session, e.g. `session 1a2b3c4d (token "ci")`. */
    actor: z.string(),
    expires_at: TimestampSchema,
  }),
});
export type SessionReply = z.infer<typeof SessionReplySchema>;

/** The cookie the dashboard's session travels in. */
export const SESSION_COOKIE_NAME = "flightdeck_session";
/** How long a session lasts before the user signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// ---- runs by status over time (the Overview)

export const RunStatsQuerySchema = z.object({
  /** The window, ending now. */
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(24),
});

const StatusCountsSchema = z.partialRecord(RunStatusSchema, z.number().int().nonnegative());
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

/** `GET /api/runs/stats`: runs created in the window, by status, overall and per hour. */
export const RunStatsSchema = z.object({
  since: TimestampSchema,
  until: TimestampSchema,
  totals: StatusCountsSchema,
  /** One per hour of the window, oldest first; `start` is the hour's first millisecond. */
  buckets: z.array(z.object({ start: TimestampSchema, counts: StatusCountsSchema })),
});
export type RunStats = z.infer<typeof RunStatsSchema>;

// ---- bulk terminate

export const MAX_BULK_TERMINATE = 100;

/** `POST /api/runs/terminate`: terminate several runs at once. */
export const BulkTerminateSchema = z.object({
  run_ids: z.array(z.string().min(1)).min(1).max(MAX_BULK_TERMINATE),
});
export type BulkTerminate = z.infer<typeof BulkTerminateSchema>;

/** One line per asked run: its run after the request, or why it could not be terminated. */
export const BulkTerminateReplySchema = z.object({
  results: z.array(
    z.union([
      z.object({ run_id: z.string(), ok: z.literal(true), run: RunSchema }),
      z.object({
        run_id: z.string(),
        ok: z.literal(false),
        error: z.object({ code: z.string(), message: z.string() }),
      }),
    ]),
  ),
});
export type BulkTerminateReply = z.infer<typeof BulkTerminateReplySchema>;

// ---- the instance page

/** `GET /api/instance` replies with the effective config and the source of every leaf. */
export { EffectiveInstanceConfigSchema as InstanceReplySchema } from "./instance-config";

/**
 * `GET /api/instance/history?limit=`: the audit trail of changes to the instance's settings —
 * overrides saved from the dashboard or API, pool limits, queue pause and resume — newest first.
 * `changes` are the settings that changed, from and to (empty for pause/resume, which the
 * coordinator holds, not the config).
 */
export const INSTANCE_AUDIT_ACTIONS = [
  "instance.update",
  "pool.update",
  "pool.delete",
  "queue.pause",
  "queue.resume",
] as const;
export const InstanceHistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const InstanceChangeSchema = z.object({
  id: z.number().int(),
  ts: TimestampSchema,
  actor: z.string(),
  action: z.enum(INSTANCE_AUDIT_ACTIONS),
  target: z.string().nullable(),
  changes: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
});
export type InstanceChange = z.infer<typeof InstanceChangeSchema>;
export const InstanceHistoryReplySchema = z.object({ changes: z.array(InstanceChangeSchema) });
export type InstanceHistoryReply = z.infer<typeof InstanceHistoryReplySchema>;
