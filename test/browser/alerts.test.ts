/**
 * The Alerts page in Chromium against the real control plane and its local queues: a webhook
 * policy created from the form, a test alert that a receiver on loopback verifies with the
 * `standardwebhooks` package, "send again" with the same webhook-id, an edit, and a delete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlertReceiver, startAlertReceiver } from "../support/alert-receiver";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack();
let receiver: AlertReceiver;
let secret: string | null = null;
beforeAll(async () => {
  receiver = await startAlertReceiver(() => secret);
});
afterAll(async () => {
  await receiver?.stop();
});

describe("the Alerts page", () => {
  it("creates a webhook policy, sends a test and sends it again, edits and deletes the policy", async () => {
    const { page } = s;
    await s.open("/alerts");
    await s.signIn();
    await page.getByTestId("alerts-empty").waitFor();
    await page.getByTestId("alert-new").click();
    const form = page.getByTestId("alert-policy-form");
    await form.getByTestId("alert-name").fill("ops webhook");
    await form.getByTestId("alert-event-RUN_SUCCESS").check();
    await form.getByTestId("alert-jobs").fill("noop, diamond");
    await form.getByTestId("alert-url").fill(receiver.url);
    await form.getByTestId("alert-save").click();

    const card = page.locator('[data-testid="alert-policy"][data-policy="ops webhook"]');
    await card.waitFor();
    expect(await card.textContent()).toContain("jobs noop, diamond");
    await card.getByRole("button", { name: "Show" }).click();
    secret = await card.getByTestId("alert-secret").textContent();

    await card.getByTestId("alert-send-test").click();
    const row = card.locator('[data-testid="alert-delivery"][data-status="DELIVERED"]');
    await row.waitFor();
    expect(await row.getByTestId("alert-delivery-attempts").textContent()).toBe("1");
    expect(receiver.received.map((r) => r.body?.type)).toEqual(["alert.test"]);
    await s.browser.screenshot("alerts");

    await row.getByTestId("alert-resend").click();
    await card.locator('[data-testid="alert-delivery-attempts"]', { hasText: "2" }).waitFor();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.id).toBe(receiver.received[0]?.id);

    await card.getByTestId("alert-edit").click();
    await page.getByTestId("alert-name").fill("ops hook");
    await page.getByTestId("alert-save").click();
    const renamed = page.locator('[data-testid="alert-policy"][data-policy="ops hook"]');
    await renamed.waitFor();
    await renamed.getByTestId("alert-delete").click();
    await page.getByTestId("confirm-ok").click();
    await page.getByTestId("alerts-empty").waitFor();
    expect(s.browser.pageErrors).toEqual([]);
  });
});
