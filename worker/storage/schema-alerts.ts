/**
 * Alerts' D1 tables: the policies, and the delivery log — one row per alert a policy raised. The
 * delivery row is also the claim that makes raising idempotent: its unique (policy, dedupe key)
 * means one event alerts a policy once, however many writers or daemon passes notice it.
 */
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AlertDeliveryStatus, AlertDestination, AlertEvent, AlertFilters } from "../../protocol";

export const alertPolicies = sqliteTable(
  "alert_policies",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    events: text("events", { mode: "json" }).$type<AlertEvent[]>().notNull(),
    skipIfWillRetry: integer("skip_if_will_retry", { mode: "boolean" }).notNull(),
    longRunningMinutes: real("long_running_minutes"),
    longQueuedMinutes: real("long_queued_minutes"),
    filters: text("filters", { mode: "json" }).$type<AlertFilters>().notNull(),
    destination: text("destination", { mode: "json" }).$type<AlertDestination>().notNull(),
    /** The policy's own Standard Webhooks secret; null for Slack, which verifies nothing. */
    secret: text("secret"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("alert_policies_name_idx").on(t.name)],
);

export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    /** `msg_<uuid>`: the `webhook-id` of every attempt, so receivers can dedupe. */
    id: text("id").primaryKey(),
    policyId: text("policy_id")
      .notNull()
      .references(() => alertPolicies.id, { onDelete: "cascade" }),
    /** What the alert is about, e.g. `run:<id>:RUN_FAILURE`: the claim, unique per policy. */
    dedupeKey: text("dedupe_key").notNull(),
    event: text("event").$type<AlertEvent | "TEST">().notNull(),
    summary: text("summary").notNull(),
    runId: text("run_id"),
    /** The exact body every attempt sends (built when raised, so retries are byte-identical). */
    body: text("body").notNull(),
    status: text("status").$type<AlertDeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull(),
    responseCode: integer("response_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    uniqueIndex("alert_deliveries_policy_key_idx").on(t.policyId, t.dedupeKey),
    index("alert_deliveries_policy_created_idx").on(t.policyId, t.createdAt),
  ],
);

export type AlertPolicyRow = typeof alertPolicies.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
