/**
 * The effective instance configuration (Dagster's `dagster.yaml`, DESIGN.md §4), built from its
 * layers: the built-in defaults, then `INSTANCE_CONFIG` in wrangler.toml `[vars]`, then the
 * overrides an admin saved through the API (stored in D1; that layer arrives with
 * `PATCH /api/instance`). Every part of the control plane that needs a setting reads it here.
 */
import {
  type EffectiveInstanceConfig,
  type InstanceConfigLayer,
  InstanceConfigOverridesSchema,
  resolveInstanceConfig,
} from "../../protocol";
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

export async function loadInstanceConfig(env: Pick<Env, "INSTANCE_CONFIG">): Promise<EffectiveInstanceConfig> {
  return resolveInstanceConfig([wranglerLayer(env.INSTANCE_CONFIG)]);
}
