/**
 * Raising alerts: build each (policy, subject) pair's message, claim its delivery row — the claim
 * is unique per policy and subject, so an alert raised twice is stored and sent once — and put
 * the newly claimed ones on the alerts queue. The queue consumer (deliver-alerts.ts) sends them.
 */
import { z } from "zod";
import type { AlertPolicy } from "../../protocol";
import type { NewDelivery } from "../storage/alerts-repo";
import { claimDeliveries } from "../storage/alerts-repo";
import type { Database } from "../storage/db";
import type { AlertSubject } from "./alert-message";
import { buildAlertMessage } from "./alert-message";

/** A message on the alerts queue (and on its dead-letter queue): which delivery to send. */
export const AlertQueueMessageSchema = z.object({ delivery_id: z.string().min(1) });
export type AlertQueueMessage = z.infer<typeof AlertQueueMessageSchema>;

export type RaiseDeps = {
  db: Database;
  queue: Queue<AlertQueueMessage>;
  now: number;
  /** The dashboard's URL for links in alerts; null when unknown. */
  baseUrl: string | null;
};

export type RaisedAlert = { policy: AlertPolicy; subject: AlertSubject };

export function newDeliveryId(): string {
  return `msg_${crypto.randomUUID()}`;
}

/** Returns the ids of the deliveries this call claimed and queued (an alert raised before is skipped). */
export async function raiseAlerts(deps: RaiseDeps, alerts: readonly RaisedAlert[]): Promise<string[]> {
  if (alerts.length === 0) return [];
  const deliveries: NewDelivery[] = alerts.map(({ policy, subject }) => ({
    id: newDeliveryId(),
    policyId: policy.id,
    ...buildAlertMessage(policy, subject, { baseUrl: deps.baseUrl, now: deps.now }),
  }));
  const claimed = await claimDeliveries(deps.db, deliveries, deps.now);
  await enqueueDeliveries(deps.queue, claimed);
  return claimed;
}

/** Cloudflare Queues takes at most 100 messages per sendBatch. */
const MAX_SEND_BATCH = 100;

export async function enqueueDeliveries(queue: Queue<AlertQueueMessage>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += MAX_SEND_BATCH) {
    const chunk = ids.slice(i, i + MAX_SEND_BATCH);
    await queue.sendBatch(chunk.map((id) => ({ body: { delivery_id: id }, contentType: "json" as const })));
  }
}
