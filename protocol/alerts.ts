/**
 * Alerts: alert policies (what to watch, where to send it), the delivery log, and the body every
 * webhook receives. Dagster OSS leaves alerting to run-status sensors; this follows Dagster+'s alert
 * policies (an event kind, filters by job, code location and tags, one destination each) and sends
 * signed webhooks the Standard Webhooks way (webhook-signature.ts), as Trigger.dev and Svix do.
 */
import { z } from "zod";
import { LocationNameSchema } from "./api";
import { JsonObjectSchema } from "./json";
import { RunStatusSchema, TagsSchema } from "./run";

/** What a policy watches. Stored strings: add new ones, never rename. */
export const AlertEventSchema = z.enum([
  "RUN_FAILURE",
  "RUN_SUCCESS",
  "RUN_CANCELED",
  "RUN_LONG_RUNNING",
  "RUN_LONG_QUEUED",
  "SCHEDULE_TICK_FAILURE",
  "SENSOR_TICK_FAILURE",
  "CODE_LOCATION_LOAD_FAILURE",
]);
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** The `type` of a webhook body: dotted lower case, as Standard Webhooks suggests. */
export const ALERT_BODY_TYPE: Record<AlertEvent | "TEST", string> = {
  RUN_FAILURE: "run.failure",
  RUN_SUCCESS: "run.success",
  RUN_CANCELED: "run.canceled",
  RUN_LONG_RUNNING: "run.long_running",
  RUN_LONG_QUEUED: "run.long_queued",
  SCHEDULE_TICK_FAILURE: "schedule.tick_failure",
  SENSOR_TICK_FAILURE: "sensor.tick_failure",
  CODE_LOCATION_LOAD_FAILURE: "code_location.load_failure",
  TEST: "alert.test",
};

const HttpUrlSchema = z
  .url({ protocol: /^https?$/, message: "A destination URL is an absolute http:// or https:// URL." })
  .max(2048);

export const AlertDestinationSchema = z.discriminatedUnion("type", [
  /** A URL of yours: a signed, `type`-tagged JSON body (README, "Alerts"). */
  z.strictObject({ type: z.literal("WEBHOOK"), url: HttpUrlSchema }),
  /** A Slack incoming-webhook URL: a readable message with a link to the run. */
  z.strictObject({ type: z.literal("SLACK"), url: HttpUrlSchema }),
]);
export type AlertDestination = z.infer<typeof AlertDestinationSchema>;

export const AlertFiltersSchema = z.strictObject({
  /** Only these code locations; empty: all. */
  locations: z.array(LocationNameSchema).default([]),
  /** Only these jobs; empty: all. */
  jobs: z.array(z.string().min(1)).default([]),
  /** Only runs carrying every one of these tags. */
  tags: TagsSchema.default({}),
});
export type AlertFilters = z.infer<typeof AlertFiltersSchema>;

const MinutesSchema = z.number().positive("A threshold is a number of minutes above 0 (decimals allowed).");

export const AlertPolicyBodySchema = z
  .strictObject({
    name: z.string().trim().min(1, "Give the policy a name.").max(200),
    enabled: z.boolean().default(true),
    events: z
      .array(AlertEventSchema)
      .min(1, "Pick at least one event to alert on.")
      .refine((events) => new Set(events).size === events.length, "List each event once."),
    /**
     * With RUN_FAILURE: skip a failure that run retries will retry (`flightdeck/will_retry` is
     * true), so a run retried until it succeeds alerts never and one that keeps failing alerts
     * once, for its last attempt.
     */
    skip_if_will_retry: z.boolean().default(false),
    long_running_minutes: MinutesSchema.nullable().default(null),
    long_queued_minutes: MinutesSchema.nullable().default(null),
    filters: AlertFiltersSchema.prefault({}),
    destination: AlertDestinationSchema,
  })
  .superRefine((policy, ctx) => {
    if (policy.events.includes("RUN_LONG_RUNNING") && policy.long_running_minutes === null) {
      ctx.addIssue({
        code: "custom",
        path: ["long_running_minutes"],
        message: "RUN_LONG_RUNNING needs long_running_minutes: how long a run may run before it alerts.",
      });
    }
    if (policy.events.includes("RUN_LONG_QUEUED") && policy.long_queued_minutes === null) {
      ctx.addIssue({
        code: "custom",
        path: ["long_queued_minutes"],
        message: "RUN_LONG_QUEUED needs long_queued_minutes: how long a run may wait in the queue before it alerts.",
      });
    }
  });
export type AlertPolicyBody = z.input<typeof AlertPolicyBodySchema>;
export type AlertPolicySettings = z.output<typeof AlertPolicyBodySchema>;

export const AlertPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  events: z.array(AlertEventSchema),
  skip_if_will_retry: z.boolean(),
  long_running_minutes: z.number().nullable(),
  long_queued_minutes: z.number().nullable(),
  filters: AlertFiltersSchema,
  destination: AlertDestinationSchema,
  /** The Standard Webhooks secret (`whsec_…`) receivers verify with; null for Slack. */
  secret: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type AlertPolicy = z.infer<typeof AlertPolicySchema>;

export const AlertPolicyReplySchema = z.object({ policy: AlertPolicySchema });
export const AlertPolicyListSchema = z.object({ policies: z.array(AlertPolicySchema) });

/**
 * A delivery's life: PENDING (queued, not yet tried), RETRYING (an attempt failed, another is
 * scheduled), DELIVERED (a 2xx), DEAD (out of retries: in the dead-letter queue).
 */
export const AlertDeliveryStatusSchema = z.enum(["PENDING", "RETRYING", "DELIVERED", "DEAD"]);
export type AlertDeliveryStatus = z.infer<typeof AlertDeliveryStatusSchema>;

export const AlertDeliverySchema = z.object({
  /** The `webhook-id` of every attempt: receivers dedupe on it. */
  id: z.string(),
  policy_id: z.string(),
  event: z.union([AlertEventSchema, z.literal("TEST")]),
  /** One line saying what happened. */
  summary: z.string(),
  run_id: z.string().nullable(),
  status: AlertDeliveryStatusSchema,
  attempts: z.number().int(),
  response_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  delivered_at: z.number().int().nullable(),
});
export type AlertDelivery = z.infer<typeof AlertDeliverySchema>;

/** `GET /api/alerts/policies/:id/deliveries?limit=`: the newest deliveries first. */
export const AlertDeliveryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("newest first"),
});
export const AlertDeliveryListSchema = z.object({ deliveries: z.array(AlertDeliverySchema) });
export const AlertDeliveryReplySchema = z.object({ delivery: AlertDeliverySchema });

/** What an alert is about, as the webhook body's `data` carries it. */
export const AlertRunDataSchema = z.object({
  id: z.string(),
  location: z.string(),
  job: z.string(),
  status: RunStatusSchema,
  tags: TagsSchema,
  attempt: z.number().int(),
  root_run_id: z.string().nullable(),
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  ended_at: z.number().int().nullable(),
});

export const AlertWebhookBodySchema = z.object({
  type: z.string(),
  /** When the alert was raised, ISO 8601. */
  timestamp: z.string(),
  data: z.object({
    policy: z.object({ id: z.string(), name: z.string() }),
    summary: z.string(),
    /** A link into the dashboard (PUBLIC_URL); null when the control plane does not know its URL. */
    url: z.string().nullable(),
    run: AlertRunDataSchema.optional(),
    tick: z
      .object({
        kind: z.enum(["SCHEDULE", "SENSOR"]),
        location: z.string(),
        name: z.string(),
        tick_id: z.string(),
        error: z.string().nullable(),
      })
      .optional(),
    code_location: z.object({ name: z.string(), error: z.string().nullable() }).optional(),
    details: JsonObjectSchema.optional(),
  }),
});
export type AlertWebhookBody = z.infer<typeof AlertWebhookBodySchema>;
