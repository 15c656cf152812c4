/**
 * How the rest of the control plane reaches the one RunCoordinator Durable Object, and the one
 * function to call wherever a run reaches a terminal status (event ingestion, run monitoring,
 * anything else that ends a run): `notifyRunsEnded`. A lost notification only delays a launch:
 * the object's alarm reconciles with D1 and frees the slot anyway (DESIGN.md §2).
 */
import type { CoordinatorRpc } from "./coordinator-rpc";

export type CoordinatorEnv = Pick<Env, "RUN_COORDINATOR">;

export function coordinatorStub(env: CoordinatorEnv): DurableObjectStub<CoordinatorRpc> {
  return env.RUN_COORDINATOR.get(env.RUN_COORDINATOR.idFromName("default"));
}

/** Tells the run coordinator that these runs ended (SUCCESS, FAILURE or CANCELED) so it frees their slots and admits. */
export async function notifyRunsEnded(env: CoordinatorEnv, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await coordinatorStub(env).runsEnded([...runIds]);
}
