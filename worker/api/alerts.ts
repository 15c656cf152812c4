/**
 * `/api/alerts`: alert policies and their delivery logs (README, "Alerts"). Read by viewers, changed by
 * operators: every change is audited. A webhook policy gets its own Standard Webhooks secret
 * when created (or switched from Slack), shown in its replies so receivers can be configured.
 * "Send a test" and "send again" go through the same queue as every alert.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AlertPolicy, AlertPolicySettings } from "../../protocol";
import { AlertDeliveryListQuerySchema, AlertPolicyBodySchema, generateSecret } from "../../protocol";
import { alertBaseUrl } from "../alerts/alert-hooks";
import type { AlertQueueMessage } from "../alerts/raise-alerts";
import { enqueueDeliveries, raiseAlerts } from "../alerts/raise-alerts";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { ConflictError, NotFoundError } from "../errors";
import { parseOrFail, readJsonBody } from "../http/read-json-body";
import {
  alertPolicyNameTaken,
  deleteAlertPolicy,
  getAlertPolicy,
  getDelivery,
  insertAlertPolicy,
  listAlertPolicies,
  listDeliveries,
  resetDelivery,
  updateAlertPolicy,
} from "../storage/alerts-repo";
import type { Database } from "../storage/db";

function policyNotFound(id: string): NotFoundError {
  return new NotFoundError(
    "alert_policy_not_found",
    `There is no alert policy with id ${id}; list them with GET /api/alerts/policies.`,
  );
}

async function mustGetPolicy(db: Database, id: string): Promise<AlertPolicy> {
  const policy = await getAlertPolicy(db, id);
  if (!policy) throw policyNotFound(id);
  return policy;
}

async function assertNameFree(db: Database, name: string, exceptId: string | null): Promise<void> {
  if (await alertPolicyNameTaken(db, name, exceptId)) {
    throw new ConflictError("conflict", `An alert policy named "${name}" exists; pick another name or edit that one.`);
  }
}

/** Webhooks are signed with the policy's own secret, kept across edits; Slack needs none. */
function secretFor(settings: AlertPolicySettings, current: string | null): string | null {
  if (settings.destination.type === "SLACK") return null;
  return current ?? generateSecret();
}

function queueOf(c: Context<AppEnv>): Queue<AlertQueueMessage> {
  return c.env.ALERTS_QUEUE as Queue<AlertQueueMessage>;
}

export const alertRoutes = new Hono<AppEnv>()
  .get("/policies", async (c) => {
    return c.json({ policies: await listAlertPolicies(c.get("deps").db) });
  })
  .post("/policies", async (c) => {
    const settings = await readJsonBody(c, AlertPolicyBodySchema);
    const db = c.get("deps").db;
    await assertNameFree(db, settings.name, null);
    const id = crypto.randomUUID();
    const now = Date.now();
    await insertAlertPolicy(
      db,
      { id, settings, secret: secretFor(settings, null), now },
      { ts: now, actor: auditActor(c), action: "alert_policy.create", target: id, details: { name: settings.name } },
    );
    return c.json({ policy: await mustGetPolicy(db, id) }, 201);
  })
  .get("/policies/:id", async (c) => {
    return c.json({ policy: await mustGetPolicy(c.get("deps").db, c.req.param("id")) });
  })
  .put("/policies/:id", async (c) => {
    const id = c.req.param("id");
    const settings = await readJsonBody(c, AlertPolicyBodySchema);
    const db = c.get("deps").db;
    const current = await mustGetPolicy(db, id);
    await assertNameFree(db, settings.name, id);
    const now = Date.now();
    const saved = await updateAlertPolicy(
      db,
      { id, settings, secret: secretFor(settings, current.secret), now },
      { ts: now, actor: auditActor(c), action: "alert_policy.update", target: id, details: { name: settings.name } },
    );
    if (!saved) throw policyNotFound(id);
    return c.json({ policy: await mustGetPolicy(db, id) });
  })
  .delete("/policies/:id", async (c) => {
    const id = c.req.param("id");
    const db = c.get("deps").db;
    const current = await mustGetPolicy(db, id);
    const audit = { name: current.name };
    const now = Date.now();
    if (
      !(await deleteAlertPolicy(db, id, {
        ts: now,
        actor: auditActor(c),
        action: "alert_policy.delete",
        target: id,
        details: audit,
      }))
    ) {
      throw policyNotFound(id);
    }
    return c.body(null, 204);
  })
  .get("/policies/:id/deliveries", async (c) => {
    const id = c.req.param("id");
    const query = parseOrFail(
      AlertDeliveryListQuerySchema,
      { limit: c.req.query("limit") },
      "The query string is not valid",
    );
    const db = c.get("deps").db;
    await mustGetPolicy(db, id);
    return c.json({ deliveries: await listDeliveries(db, id, { limit: query.limit }) });
  })
  .post("/policies/:id/test", async (c) => {
    const db = c.get("deps").db;
    const policy = await mustGetPolicy(db, c.req.param("id"));
    const deps = { db, queue: queueOf(c), now: Date.now(), baseUrl: alertBaseUrl(c.env, c.req.url) };
    const [id] = await raiseAlerts(deps, [{ policy, subject: { kind: "test", id: crypto.randomUUID() } }]);
    const delivery = id === undefined ? null : await getDelivery(db, id);
    if (!delivery) throw new Error("a test delivery was claimed but cannot be read back");
    return c.json({ delivery }, 202);
  })
  .post("/deliveries/:id/resend", async (c) => {
    const id = c.req.param("id");
    const db = c.get("deps").db;
    if (!(await resetDelivery(db, id, Date.now()))) {
      throw new NotFoundError("alert_delivery_not_found", `There is no alert delivery with id ${id}.`);
    }
    // Same id, same body: a receiver that got it before sees the same webhook-id again.
    await enqueueDeliveries(queueOf(c), [id]);
    const delivery = await getDelivery(db, id);
    if (!delivery)
      throw new NotFoundError("alert_delivery_not_found", `Alert delivery ${id} was deleted with its policy.`);
    return c.json({ delivery }, 202);
  });
