/**
 * `PATCH /api/instance` (DESIGN.md §4): an admin's overrides, a deep-partial instance config.
 * Validated leaf by leaf with the config's own schema (bad input stores nothing), merged over the
 * saved overrides, saved in D1 in one batch with an audit row saying who changed what, and applied
 * at once: the run coordinator re-reads its limits and admits.
 */
import { Hono } from "hono";
import type { InstanceConfigOverrides, InstancePatchReply, JsonObject } from "../../protocol";
import { InstanceConfigOverridesSchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { readJsonBody } from "../http/read-json-body";
import { saveOverrides } from "../instance/save-overrides";

export const instanceOverrideRoutes = new Hono<AppEnv>().patch("/", async (c) => {
  const patch: InstanceConfigOverrides = await readJsonBody(c, InstanceConfigOverridesSchema);
  const { after, changes } = await saveOverrides(c.get("deps"), {
    patch: () => patch,
    actor: auditActor(c),
    action: "instance.update",
    details: () => ({ patch: patch as JsonObject }),
  });
  return c.json({ ...after, changes } satisfies InstancePatchReply);
});
