/**
 * The run coordinator seam (Dagster's RunCoordinator): what happens to a run once it is stored
 * NOT_STARTED, and how a terminate request is carried out. The default coordinator launches at
 * once; the queued coordinator (a Durable Object owning admission, DESIGN.md §2) is a later issue
 * and plugs in here without touching the API.
 */
import type { Run } from "../../protocol";

export interface RunCoordinator {
  /** Takes a run just stored as NOT_STARTED; returns it as it stands after the coordinator acted. */
  submit(run: Run): Promise<Run>;
  /** Cancels a run that has not started, or asks a running one to stop; returns it afterwards. */
  cancel(runId: string): Promise<Run>;
}
