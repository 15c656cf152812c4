/**
 * `PATCH /api/instance` (DESIGN.md §4): an admin's overrides, a deep-partial instance config.
 * Validated leaf by leaf with the config's own schema (bad input stores nothing), merged over the
 * saved overrides, saved in D1 in one batch with an audit row saying who changed what, and applied
 * at once: the run coordinator re-reads its limits and admits.
 */
import { Hono } from "hono";
import type { InstanceConfigOverrides, InstancePatchReply, JsonObject } from "../../protocol";
import { InstanceConfigOverridesSchema, resolveInstanceConfig } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import { readJsonBody } from "../http/read-json-body";
import { overridesLayer, wranglerLayer } from "../instance/load-instance-config";
import { describeChanges, mergeOverrides } from "../instance/merge-overrides";
import { saveInstanceOverrides } from "../storage/instance-overrides-repo";

export const instanceOverrideRoutes = new Hono<AppEnv>().patch("/", async (c) => {
  const patch: InstanceConfigOverrides = await readJsonBody(c, InstanceConfigOverridesSchema);
  const wrangler = wranglerLayer(c.env.INSTANCE_CONFIG);
  const saved = await overridesLayer(c.env.DB);
  const before = resolveInstanceConfig([wrangler, saved]);
  const merged = mergeOverrides(saved.values, patch);
  const after = resolveInstanceConfig([wrangler, { source: "override", values: merged }]);
  const changes = describeChanges(before.config, after.config);
  await saveInstanceOverrides(c.get("deps").db, merged, {
    ts: Date.now(),
    actor: auditActor(c),
    action: "instance.update",
    details: { patch: patch as JsonObject, changes: changes as unknown as JsonObject[] } as JsonObject,
  });
  await coordinatorStub(c.env).configChanged();
  return c.json({ ...after, changes } satisfies InstancePatchReply);
});
