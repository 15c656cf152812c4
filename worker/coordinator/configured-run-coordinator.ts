/**
 * The run coordinator the instance config names (`run_coordinator.type`, DESIGN.md §4): queued
 * (the default) or Dagster's default coordinator that launches at once. Read per submit, so a
 * change through PATCH /api/instance applies to the next run. Cancel always asks the queue first:
 * runs queued before an admin switched to `default` can still be cancelled cleanly.
 */
import type { EffectiveInstanceConfig, Run } from "../../protocol";
import type { RunCoordinatorSeam, SubmitContext } from "./run-coordinator-seam";

export class ConfiguredRunCoordinator implements RunCoordinatorSeam {
  constructor(
    private readonly loadConfig: () => Promise<EffectiveInstanceConfig>,
    private readonly queued: RunCoordinatorSeam,
    private readonly immediate: RunCoordinatorSeam,
  ) {}

  async submit(run: Run, context?: SubmitContext): Promise<Run> {
    const { config } = context?.config ?? (await this.loadConfig());
    return (config.run_coordinator.type === "queued" ? this.queued : this.immediate).submit(run, context);
  }

  cancel(runId: string): Promise<Run> {
    return this.queued.cancel(runId);
  }
}
