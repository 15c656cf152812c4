/**
 * Picks `run_coordinator.type` for the tests of one file, the way an admin would: as an override
 * saved in D1 (re-saved before each test, since storage is wiped after each). Tests written for the
 * default coordinator (launch at once, no queue) say so with `useRunCoordinator("default")`.
 */
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import type { InstanceConfigOverrides } from "../../protocol";

export async function saveOverrides(overrides: InstanceConfigOverrides): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO instance_overrides (id, overrides, updated_at, updated_by) VALUES (1, ?, ?, 'test') ON CONFLICT (id) DO UPDATE SET overrides = excluded.overrides",
  )
    .bind(JSON.stringify(overrides), Date.now())
    .run();
}

export function useRunCoordinator(type: "default" | "queued"): void {
  beforeEach(async () => {
    await saveOverrides({ run_coordinator: { type } });
  });
}
