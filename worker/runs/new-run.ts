/**
 * The one place a run is created (a submit, a re-execution): NOT_STARTED, first attempt, not yet
 * stored, with a time-ordered id (run-id.ts) taken at its creation time. The run coordinator
 * stores it together with its first decision.
 */
import type { Run } from "../../protocol";
import { newRunId } from "./run-id";

/** What the caller decides of a new run; the rest follows from its being new. */
export type NewRunFields = Pick<Run, "location" | "job" | "run_config" | "tags" | "priority"> & {
  /** For a re-execution: the run it re-executes and the first run of its lineage. */
  lineage?: { parent_run_id: string; root_run_id: string };
};

/** `id`: chosen by the caller when a decision recorded it before the run exists (run retries). */
export function newRun({ lineage, ...fields }: NewRunFields, now: number, id: string = newRunId(now)): Run {
  return {
    id,
    ...fields,
    status: "NOT_STARTED",
    attempt: 1,
    parent_run_id: lineage?.parent_run_id ?? null,
    root_run_id: lineage?.root_run_id ?? null,
    created_at: now,
    updated_at: now,
    started_at: null,
    ended_at: null,
    agent: null,
  };
}
