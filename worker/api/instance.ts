/**
 * `GET /api/instance`: the effective instance configuration (Dagster's `dagster.yaml`), each leaf
 * with where its value comes from (DESIGN.md §4). Layers today: the built-in defaults and
 * `INSTANCE_CONFIG` in wrangler.toml `[vars]`; saved overrides join as a third layer when
 * `PATCH /api/instance` stores them.
 */
import { Hono } from "hono";
import {
  type EffectiveInstanceConfig,
  type InstanceConfigLayer,
  InstanceConfigOverridesSchema,
  resolveInstanceConfig,
} from "../../protocol";
import { requireAdmin } from "../auth/admin-auth";
import type { AppEnv } from "../context";
import { DomainError } from "../errors";

/** The wrangler.toml layer, or a 500 naming what is wrong with INSTANCE_CONFIG. */
export function wranglerLayer(raw: string | undefined): InstanceConfigLayer {
  let json: unknown = {};
  try {
    json = raw?.trim() ? JSON.parse(raw) : {};
  } catch (err) {
    throw new DomainError(500, "internal_error", `INSTANCE_CONFIG in wrangler.toml is not JSON: ${String(err)}`);
  }
  const parsed = InstanceConfigOverridesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new DomainError(500, "internal_error", `INSTANCE_CONFIG in wrangler.toml is not valid: ${problems}`);
  }
  return { source: "wrangler.toml", values: parsed.data };
}

export const instanceRoutes = new Hono<AppEnv>().get("/", requireAdmin, (c) => {
  const effective: EffectiveInstanceConfig = resolveInstanceConfig([wranglerLayer(c.env.INSTANCE_CONFIG)]);
  return c.json(effective);
});
