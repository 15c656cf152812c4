/**
 * The one place the daemon tells the run coordinator that runs it moved to a terminal status have
 * ended, so the coordinator frees their slots at once (DESIGN.md §2: admission is event-driven).
 * A lost notification only delays a launch — the coordinator's alarm reconciles with D1 — so a
 * failure here is logged and the daemon goes on.
 */
import { notifyRunsEnded } from "../coordinator/coordinator-stub";

export async function tellCoordinatorRunEnded(env: Env, runId: string): Promise<void> {
  try {
    await notifyRunsEnded(env, [runId]);
  } catch (error) {
    console.error(`daemon: could not tell the run coordinator that run ${runId} ended:`, error);
  }
}
