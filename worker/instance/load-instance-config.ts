/**
 * The effective instance configuration (Dagster's `dagster.yaml`, DESIGN.md §4), built from its
 * layers: the built-in defaults, then `INSTANCE_CONFIG` in wrangler.toml `[vars]`, then the
 * overrides an admin saved through `PATCH /api/instance` (stored in D1, audited). Every part of
 * the control plane that needs a setting reads it here.
 */
import {
  type EffectiveInstanceConfig,
  type InstanceConfigLayer,
  InstanceConfigOverridesSchema,
  resolveInstanceConfig,
} from "../../protocol";
import { DomainError } from "../errors";
import { openDatabase } from "../storage/db";
import { readInstanceOverrides } from "../storage/instance-overrides-repo";

function parseLayer(json: unknown, source: InstanceConfigLayer["source"], where: string): InstanceConfigLayer {
  const parsed = InstanceConfigOverridesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new DomainError(500, "internal_error", `${where} is not valid: ${problems}`);
  }
  return { source, values: parsed.data };
}

/** The wrangler.toml layer, or a 500 naming what is wrong with INSTANCE_CONFIG. */
export function wranglerLayer(raw: string | undefined): InstanceConfigLayer {
  let json: unknown = {};
  try {
    json = raw?.trim() ? JSON.parse(raw) : {};
  } catch (err) {
    throw new DomainError(500, "internal_error", `INSTANCE_CONFIG in wrangler.toml is not JSON: ${String(err)}`);
  }
  return parseLayer(json, "wrangler.toml", "INSTANCE_CONFIG in wrangler.toml");
}

/** The D1 layer: what admins saved, or nothing. */
export async function overridesLayer(d1: D1Database): Promise<InstanceConfigLayer> {
  return savedOverridesLayer(await readInstanceOverrides(openDatabase(d1)));
}

function savedOverridesLayer(saved: unknown): InstanceConfigLayer {
  return parseLayer(saved ?? {}, "override", "The instance config overrides saved in D1");
}

export async function loadInstanceConfig(env: Pick<Env, "INSTANCE_CONFIG" | "DB">): Promise<EffectiveInstanceConfig> {
  return resolveInstanceConfig([wranglerLayer(env.INSTANCE_CONFIG), await overridesLayer(env.DB)]);
}

/** The effective config from overrides already read (`instanceOverridesQuery`, batched with a submit's other reads). */
export function instanceConfigFromSaved(env: Pick<Env, "INSTANCE_CONFIG">, saved: unknown): EffectiveInstanceConfig {
  return resolveInstanceConfig([wranglerLayer(env.INSTANCE_CONFIG), savedOverridesLayer(saved)]);
}
