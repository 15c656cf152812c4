/** `/api/alerts`: policies are validated, stored with their own secret, edited, deleted and audited. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlertPolicyBody } from "../../protocol";
import { AlertDeliveryListSchema, AlertPolicyListSchema, AlertPolicyReplySchema, isValidSecret } from "../../protocol";
import { call, expectError, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

const WEBHOOK: AlertPolicyBody = {
  name: "on-call",
  events: ["RUN_FAILURE", "RUN_LONG_RUNNING"],
  long_running_minutes: 30,
  filters: { jobs: ["etl"], tags: { team: "data" } },
  destination: { type: "WEBHOOK", url: "https://hooks.example.com/flightdeck" },
};

async function create(body: AlertPolicyBody = WEBHOOK) {
  const res = await call("POST", "/api/alerts/policies", { body });
  expect(res.status).toBe(201);
  return AlertPolicyReplySchema.parse(await res.json()).policy;
}

async function countPolicies(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM alert_policies").first<{ n: number }>())?.n ?? 0;
}

describe("alert policies", () => {
  it("creates a webhook policy with its own signing secret and the defaults filled in", async () => {
    const policy = await create();
    expect(policy).toMatchObject({
      name: "on-call",
      enabled: true,
      skip_if_will_retry: false,
      long_queued_minutes: null,
      filters: { locations: [], jobs: ["etl"], tags: { team: "data" } },
    });
    expect(isValidSecret(policy.secret ?? "")).toBe(true);
    const list = AlertPolicyListSchema.parse(await (await call("GET", "/api/alerts/policies")).json());
    expect(list.policies.map((p) => p.id)).toEqual([policy.id]);
  });

  it.each([
    ["no events", { ...WEBHOOK, events: [] }, "events"],
    ["an unknown event", { ...WEBHOOK, events: ["RUN_EXPLODED"] }, "events.0"],
    ["a long-running alert without a threshold", { ...WEBHOOK, long_running_minutes: null }, "long_running_minutes"],
    ["a long-queued alert without a threshold", { ...WEBHOOK, events: ["RUN_LONG_QUEUED"] }, "long_queued_minutes"],
    [
      "a destination that is not http(s)",
      { ...WEBHOOK, destination: { type: "WEBHOOK", url: "ftp://x" } },
      "destination.url",
    ],
    [
      "an unknown destination type",
      { ...WEBHOOK, destination: { type: "EMAIL", url: "https://x" } },
      "destination.type",
    ],
    ["a misspelt field", { ...WEBHOOK, evnets: ["RUN_FAILURE"] }, ""],
    ["an empty name", { ...WEBHOOK, name: "  " }, "name"],
  ])("refuses %s with a 422 that names the field, storing nothing", async (_what, body, path) => {
    const error = await expectError(await call("POST", "/api/alerts/policies", { body }), 422, "validation_failed");
    expect(JSON.stringify(error.details)).toContain(`"path":"${path}"`);
    expect(await countPolicies()).toBe(0);
  });

  it("refuses a second policy with the same name", async () => {
    await create();
    await expectError(await call("POST", "/api/alerts/policies", { body: WEBHOOK }), 409, "conflict");
    expect(await countPolicies()).toBe(1);
  });

  it("an edit keeps the secret; a switch to Slack drops it and back to a webhook makes a new one", async () => {
    const policy = await create();
    const edit = async (body: AlertPolicyBody) => {
      const res = await call("PUT", `/api/alerts/policies/${policy.id}`, { body });
      expect(res.status).toBe(200);
      return AlertPolicyReplySchema.parse(await res.json()).policy;
    };
    const renamed = await edit({ ...WEBHOOK, name: "pager", enabled: false });
    expect(renamed).toMatchObject({ name: "pager", enabled: false, secret: policy.secret });
    const slack = await edit({
      ...WEBHOOK,
      destination: { type: "SLACK", url: "https://hooks.slack.com/services/T/B/x" },
    });
    expect(slack.secret).toBeNull();
    const back = await edit(WEBHOOK);
    expect(isValidSecret(back.secret ?? "")).toBe(true);
    expect(back.secret).not.toBe(policy.secret);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target = ? ORDER BY id")
      .bind(policy.id)
      .all();
    expect(audit.results.map((r) => r.action)).toEqual([
      "alert_policy.create",
      "alert_policy.update",
      "alert_policy.update",
      "alert_policy.update",
    ]);
  });

  it("deletes a policy; then it and its deliveries are gone", async () => {
    const policy = await create();
    const deliveries = await call("GET", `/api/alerts/policies/${policy.id}/deliveries`);
    expect(AlertDeliveryListSchema.parse(await deliveries.json()).deliveries).toEqual([]);
    expect((await call("DELETE", `/api/alerts/policies/${policy.id}`)).status).toBe(204);
    await expectError(await call("GET", `/api/alerts/policies/${policy.id}`), 404, "alert_policy_not_found");
    await expectError(await call("DELETE", `/api/alerts/policies/${policy.id}`), 404, "alert_policy_not_found");
    await expectError(await call("GET", `/api/alerts/policies/${policy.id}/deliveries`), 404, "alert_policy_not_found");
  });

  it("says which delivery does not exist when asked to send it again", async () => {
    await expectError(await call("POST", "/api/alerts/deliveries/msg_nope/resend"), 404, "alert_delivery_not_found");
  });

  it("needs the admin token", async () => {
    await expectError(await call("GET", "/api/alerts/policies", { token: null }), 401, "unauthorized");
    await expectError(
      await call("POST", "/api/alerts/policies", { body: WEBHOOK, token: "nope" }),
      401,
      "unauthorized",
    );
  });
});
