/**
 * Alerts end to end: `wrangler dev --test-scheduled` with its local Cloudflare Queues (the alerts
 * queue and its dead-letter queue, consumed by the same Worker), the demo location's real run
 * workers, and receivers on loopback that verify every request with the `standardwebhooks`
 * package. The instance config shortens the retry schedule to 1 s, 1 s — a setting users have.
 * - a failing run retried once alerts a policy that skips retried failures exactly once (its last
 *   attempt), and a policy that does not once per attempt;
 * - a receiver answering 500, 500, 200 gets the alert three times with the same webhook-id;
 * - a receiver that stays down puts the alert in the dead-letter queue, and the delivery log says
 *   DEAD; "send again" delivers it, with the same webhook-id, once the receiver is back;
 * - a long-running run alerts once, however many daemon passes see it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertDelivery, AlertPolicy, AlertPolicyBody } from "../../protocol";
import { AlertDeliveryReplySchema, AlertWebhookBodySchema, EventListSchema } from "../../protocol";
import {
  type CodeLocationServer,
  type ControlPlane,
  generateAdminToken,
  registerCodeLocation,
  stopStack,
} from "../../scripts/lib/local-stack";
import { type AlertReceiver, startAlertReceiver } from "../support/alert-receiver";
import {
  DEMO_LOCATION_FILE,
  runScheduled,
  startCodeLocation,
  startScheduledControlPlane,
  startTogether,
  waitUntil,
} from "../support/e2e-stack";

let dir: string;
let controlPlane: ControlPlane;
let location: CodeLocationServer;
const receivers: AlertReceiver[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-alerts-"));
  [controlPlane, location] = await startTogether(
    [
      startScheduledControlPlane({
        persistDir: path.join(dir, "state"),
        adminToken: generateAdminToken(),
        instanceConfig: {
          run_coordinator: { type: "default" },
          run_retries: { enabled: true, max_retries: 1 },
          alerts: { retry_delays_seconds: [1, 1] },
        },
      }),
      startCodeLocation({ name: "demo", file: DEMO_LOCATION_FILE, dataDir: path.join(dir, "demo") }),
    ],
    ([started, server]) => stopStack([server], started),
  );
  const registered = await registerCodeLocation(controlPlane, location);
  if (registered.status !== "LOADED") throw new Error(`demo location did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await Promise.allSettled([location?.stop(), controlPlane?.stop(), ...receivers.map((r) => r.stop())]);
  await rm(dir, { recursive: true, force: true });
});

/** A receiver and a webhook policy sending to it, each test's own (told apart by the `case` tag). */
async function receiverWithPolicy(
  policy: Omit<AlertPolicyBody, "destination">,
): Promise<{ receiver: AlertReceiver; policy: AlertPolicy }> {
  let secret: string | null = null;
  const receiver = await startAlertReceiver(() => secret);
  receivers.push(receiver);
  const created = await controlPlane.client.createAlertPolicy({
    ...policy,
    destination: { type: "WEBHOOK", url: receiver.url },
  });
  secret = created.secret;
  return { receiver, policy: created };
}

const deliveriesOf = (policy: AlertPolicy) => controlPlane.client.listAlertDeliveries(policy.id);

async function waitForDeliveries(policy: AlertPolicy, done: (d: AlertDelivery[]) => boolean, what: string) {
  let last: AlertDelivery[] = [];
  await waitUntil(
    async () => {
      last = await deliveriesOf(policy);
      return done(last);
    },
    60_000,
    what,
  );
  return last;
}

async function retryRunOf(runId: string): Promise<string> {
  const { events } = await controlPlane.client.request("GET", `/api/runs/${runId}/events?limit=1000`, EventListSchema);
  const retry = events.find((e) => typeof e.data?.retry_run_id === "string")?.data?.retry_run_id;
  if (typeof retry !== "string") throw new Error(`run ${runId} has no retry`);
  return retry;
}

describe("alerts through Cloudflare Queues to receivers that verify signatures", () => {
  it("a failing run alerts exactly once across its retries; without skipping, once per attempt", async () => {
    const tags = { case: "retries" };
    const once = await receiverWithPolicy({
      name: "failures, last attempt only",
      events: ["RUN_FAILURE"],
      skip_if_will_retry: true,
      filters: { tags },
    });
    const each = await receiverWithPolicy({ name: "every failure", events: ["RUN_FAILURE"], filters: { tags } });
    const { client } = controlPlane;

    const first = await client.submitRun({ location: "demo", job: "fails", tags });
    await client.waitForRun(first.id, { statuses: ["FAILURE"] });
    await runScheduled(controlPlane); // run retries: retry 1 of 1
    const retryId = await retryRunOf(first.id);
    await client.waitForRun(retryId, { statuses: ["FAILURE"] });
    await runScheduled(controlPlane); // run retries: 1 of 1 used, no retry — the skipping policy alerts now
    await runScheduled(controlPlane); // and a pass more changes nothing

    const [delivered] = await waitForDeliveries(once.policy, (d) => d[0]?.status === "DELIVERED", "the alert");
    const perAttempt = await waitForDeliveries(
      each.policy,
      (d) => d.length === 2 && d.every((x) => x.status === "DELIVERED"),
      "one alert per failed attempt",
    );
    expect(await deliveriesOf(once.policy)).toHaveLength(1);
    expect(delivered).toMatchObject({ run_id: retryId, event: "RUN_FAILURE", attempts: 1, response_code: 200 });
    expect(once.receiver.received).toHaveLength(1);
    const [alert] = once.receiver.received;
    expect(alert?.id).toBe(delivered?.id);
    const body = AlertWebhookBodySchema.parse(alert?.body);
    expect(body.type).toBe("run.failure");
    expect(body.data.run).toMatchObject({ id: retryId, status: "FAILURE", root_run_id: first.id });
    expect(body.data.url).toBe(`${controlPlane.url}/runs/${retryId}`);

    expect(perAttempt.map((d) => d.run_id).sort()).toEqual([first.id, retryId].sort());
    expect(each.receiver.received.map((r) => r.body?.type)).toEqual(["run.failure", "run.failure"]);
  });

  it("a receiver that answers 500 twice then 200 gets the alert three times with the same webhook-id", async () => {
    const tags = { case: "flaky-receiver" };
    const { receiver, policy } = await receiverWithPolicy({
      name: "successes to a flaky receiver",
      events: ["RUN_SUCCESS"],
      filters: { tags },
    });
    receiver.respond((n) => (n <= 2 ? 500 : 200));
    const run = await controlPlane.client.submitRun({ location: "demo", job: "noop", tags });

    const [delivery] = await waitForDeliveries(policy, (d) => d[0]?.status === "DELIVERED", "the third attempt");
    expect(delivery).toMatchObject({ run_id: run.id, attempts: 3, response_code: 200, last_error: null });
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([delivery?.id]));
    expect(receiver.received.every((r) => r.body?.type === "run.success")).toBe(true);
  });

  it("a receiver that stays down: the alert ends in the dead-letter queue, and send again delivers it", async () => {
    const { receiver, policy } = await receiverWithPolicy({
      name: "to a receiver that is down",
      events: ["RUN_SUCCESS"],
      filters: { tags: { case: "down" } },
    });
    const port = new URL(receiver.url).port;
    await receiver.stop();

    const sent = await controlPlane.client.request(
      "POST",
      `/api/alerts/policies/${policy.id}/test`,
      AlertDeliveryReplySchema,
    );
    const [dead] = await waitForDeliveries(policy, (d) => d[0]?.status === "DEAD", "the dead-letter queue");
    expect(dead).toMatchObject({ id: sent.delivery.id, event: "TEST", attempts: 3, response_code: null });
    expect(dead?.last_error).toMatch(/could not connect/);

    let secret: string | null = policy.secret;
    const back = await startAlertReceiver(() => secret, Number(port));
    receivers.push(back);
    await controlPlane.client.request(
      "POST",
      `/api/alerts/deliveries/${sent.delivery.id}/resend`,
      AlertDeliveryReplySchema,
    );
    const [delivered] = await waitForDeliveries(policy, (d) => d[0]?.status === "DELIVERED", "the resent alert");
    expect(delivered).toMatchObject({ id: sent.delivery.id, attempts: 4, response_code: 200 });
    expect(back.received.map((r) => [r.id, r.body?.type])).toEqual([[sent.delivery.id, "alert.test"]]);
    secret = null;
  });

  it("a long-running run alerts once, however many daemon passes see it", async () => {
    const tags = { case: "long-running" };
    // 1.2 s: a threshold in minutes, decimals allowed.
    const thresholdMs = 1200;
    const { receiver, policy } = await receiverWithPolicy({
      name: "runs over 1.2 s",
      events: ["RUN_LONG_RUNNING"],
      long_running_minutes: thresholdMs / 60_000,
      filters: { tags },
    });
    const { client } = controlPlane;
    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 120 } } } },
      tags,
    });
    const started = await client.waitForRun(submitted.id, { statuses: ["STARTED"] });
    const startedAt = started.started_at ?? 0;
    await waitUntil(() => Date.now() > startedAt + thresholdMs, 10_000, "the run to pass the threshold");
    await runScheduled(controlPlane);
    await runScheduled(controlPlane);

    const [delivery] = await waitForDeliveries(policy, (d) => d[0]?.status === "DELIVERED", "the alert");
    await runScheduled(controlPlane);
    expect(await deliveriesOf(policy)).toHaveLength(1);
    expect(delivery).toMatchObject({ run_id: submitted.id, event: "RUN_LONG_RUNNING" });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.body?.type).toBe("run.long_running");
    await client.terminateRun(submitted.id);
  });
});
