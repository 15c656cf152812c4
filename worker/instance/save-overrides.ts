/**
 * Saving an admin's overrides (DESIGN.md §4), for `PATCH /api/instance` and for any route that
 * sets one setting (a pool's limit): the patch is merged over the saved overrides, saved in D1 in
 * one batch with an audit row saying who changed what, and applied at once — the run coordinator
 * re-reads its limits and admits, and waiting pool claims ask again.
 */
import type { EffectiveInstanceConfig, InstanceConfig, InstanceConfigOverrides, JsonObject } from "../../protocol";
import { resolveInstanceConfig } from "../../protocol";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import type { Database } from "../storage/db";
import { saveInstanceOverrides } from "../storage/instance-overrides-repo";
import { overridesLayer, wranglerLayer } from "./load-instance-config";
import { type ConfigChange, describeChanges, mergeOverrides } from "./merge-overrides";

export type OverridesChange = {
  /** The overrides to merge, from the effective config before (a route that sets one leaf may need it). */
  patch: (before: InstanceConfig) => InstanceConfigOverrides;
  actor: string;
  action: string;
  target?: string;
  /** The audit row's details; the changes are added to them. */
  details: (patch: InstanceConfigOverrides) => JsonObject;
};

export async function saveOverrides(
  deps: { env: Env; db: Database; now: () => number },
  change: OverridesChange,
): Promise<{ after: EffectiveInstanceConfig; changes: ConfigChange[] }> {
  const wrangler = wranglerLayer(deps.env.INSTANCE_CONFIG);
  const saved = await overridesLayer(deps.env.DB);
  const before = resolveInstanceConfig([wrangler, saved]);
  const patch = change.patch(before.config);
  const merged = mergeOverrides(saved.values, patch);
  const after = resolveInstanceConfig([wrangler, { source: "override", values: merged }]);
  const changes = describeChanges(before.config, after.config);
  await saveInstanceOverrides(deps.db, merged, {
    ts: deps.now(),
    actor: change.actor,
    action: change.action,
    ...(change.target === undefined ? {} : { target: change.target }),
    details: { ...change.details(patch), changes: changes as unknown as JsonObject[] } as JsonObject,
  });
  await coordinatorStub(deps.env).configChanged();
  return { after, changes };
}
