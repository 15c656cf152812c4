/**
 * The run coordinator seam (Dagster's RunCoordinator): what happens to a submitted run, and how
 * a terminate request is carried out. The default coordinator launches at
 * once; the queued coordinator (a Durable Object owning admission, DESIGN.md §2) is a later issue
 * and plugs in here without touching the API.
 */
import type { EffectiveInstanceConfig, Run } from "../../protocol";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";

/** What the submit already read (in one batch), so the coordinator and the launch need not read it again. */
export type SubmitContext = { config: EffectiveInstanceConfig; endpoint: CodeLocationEndpoint };

export interface RunCoordinatorSeam {
  /**
   * Takes a new run (NOT_STARTED, validated, not yet stored), stores it together with the
   * coordinator's first decision in one batch, acts, and returns the run as it then stands.
   */
  submit(run: Run, context?: SubmitContext): Promise<Run>;
  /** Cancels a run that has not started, or asks a running one to stop; returns it afterwards. */
  cancel(runId: string): Promise<Run>;
}
