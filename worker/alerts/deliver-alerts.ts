/**
 * The alerts queue's consumers, in the same Worker (wrangler.toml `[[queues.consumers]]`):
 * - `flightdeck-alerts`: POSTs each delivery's stored body to its policy's destination — signed
 *   the Standard Webhooks way with the policy's secret and the delivery's id as `webhook-id`, the
 *   same on every attempt — and records the attempt. A failure is retried after the instance's
 *   `alerts.retry_delays_seconds`; after the last one the message moves to the dead-letter queue.
 * - `flightdeck-alerts-dead`: marks its deliveries DEAD in the delivery log.
 * At least once: a delivery already DELIVERED is not sent again, but a crash between the POST
 * and the record sends it twice — with the same `webhook-id`, so receivers can dedupe.
 */
import { signStandardWebhook } from "../../protocol";
import { loadInstanceConfig } from "../instance/load-instance-config";
import type { FetchFn } from "../launcher/signed-fetch";
import { defaultFetch } from "../launcher/signed-fetch";
import { getDeliveryToSend, markDeliveriesDead, recordAttempt } from "../storage/alerts-repo";
import type { Database } from "../storage/db";
import { openDatabase } from "../storage/db";
import { isDelivered, nextStepAfterFailure } from "./delivery-schedule";
import type { AlertQueueMessage } from "./raise-alerts";
import { AlertQueueMessageSchema } from "./raise-alerts";

export const ALERTS_QUEUE_NAME = "flightdeck-alerts";
export const ALERTS_DEAD_LETTER_QUEUE_NAME = "flightdeck-alerts-dead";

export type ConsumerEnv = Pick<Env, "DB" | "INSTANCE_CONFIG" | "ALERTS_DEAD_LETTER_QUEUE">;

/** The longest part of a receiver's reply kept in the delivery log. */
const MAX_QUOTED_REPLY = 500;

type Delivery = NonNullable<Awaited<ReturnType<typeof getDeliveryToSend>>>;
type PostResult = { ok: boolean; status: number | null; error: string | null };

async function post(fetchFn: FetchFn, delivery: Delivery, timeoutMs: number): Promise<PostResult> {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Flightdeck-Alerts" };
  // Slack's incoming webhooks verify nothing; the id still lets a proxy in between dedupe.
  if (delivery.secret !== null)
    Object.assign(headers, await signStandardWebhook(delivery.secret, delivery.body, { id: delivery.id }));
  else headers["webhook-id"] = delivery.id;
  try {
    const res = await fetchFn(delivery.destination.url, {
      method: "POST",
      headers,
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (isDelivered(res.status)) return { ok: true, status: res.status, error: null };
    const quoted = text.length > MAX_QUOTED_REPLY ? `${text.slice(0, MAX_QUOTED_REPLY)}…` : text;
    return { ok: false, status: res.status, error: `answered ${res.status}${quoted ? `: ${quoted}` : ""}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : `could not connect: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, status: null, error: reason };
  }
}

type DeliverDeps = { db: Database; env: ConsumerEnv; fetch: FetchFn; delays: readonly number[]; timeoutMs: number };

async function deliverOne(deps: DeliverDeps, message: Message<unknown>): Promise<void> {
  const parsed = AlertQueueMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    console.error(`alerts: dropped a message that names no delivery: ${JSON.stringify(message.body)}`);
    message.ack();
    return;
  }
  const delivery = await getDeliveryToSend(deps.db, parsed.data.delivery_id);
  // Its policy was deleted (the log with it), or it got through on an earlier attempt.
  if (delivery === null || delivery.status === "DELIVERED") {
    message.ack();
    return;
  }
  const result = await post(deps.fetch, delivery, deps.timeoutMs);
  const now = Date.now();
  if (result.ok) {
    await recordAttempt(deps.db, delivery.id, { status: "DELIVERED", responseCode: result.status, error: null, now });
    message.ack();
    return;
  }
  await recordAttempt(deps.db, delivery.id, {
    status: "RETRYING",
    responseCode: result.status,
    error: result.error,
    now,
  });
  const next = nextStepAfterFailure(message.attempts, deps.delays);
  if (next.kind === "retry") {
    message.retry({ delaySeconds: next.delaySeconds });
    return;
  }
  await (deps.env.ALERTS_DEAD_LETTER_QUEUE as Queue<AlertQueueMessage>).send(parsed.data, { contentType: "json" });
  message.ack();
}

export async function deliverAlerts(batch: MessageBatch<unknown>, env: ConsumerEnv, fetchFn: FetchFn = defaultFetch) {
  const config = (await loadInstanceConfig(env)).config.alerts;
  const deps: DeliverDeps = {
    db: openDatabase(env.DB),
    env,
    fetch: fetchFn,
    delays: config.retry_delays_seconds,
    timeoutMs: config.request_timeout_seconds * 1000,
  };
  // One slow receiver must not hold up the others in the batch.
  await Promise.all(batch.messages.map((message) => deliverOne(deps, message)));
}

export async function markDeadAlerts(batch: MessageBatch<unknown>, env: Pick<Env, "DB">): Promise<void> {
  const ids = batch.messages.flatMap((m) => {
    const parsed = AlertQueueMessageSchema.safeParse(m.body);
    return parsed.success ? [parsed.data.delivery_id] : [];
  });
  await markDeliveriesDead(openDatabase(env.DB), ids, Date.now());
  batch.ackAll();
}

/** The Worker's `queue()` handler: which consumer a batch is for, by its queue's name. */
export async function consumeAlertQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue === ALERTS_QUEUE_NAME) return deliverAlerts(batch, env);
  if (batch.queue === ALERTS_DEAD_LETTER_QUEUE_NAME) return markDeadAlerts(batch, env);
  throw new Error(
    `no consumer for queue ${batch.queue}; wrangler.toml names flightdeck-alerts and flightdeck-alerts-dead`,
  );
}
