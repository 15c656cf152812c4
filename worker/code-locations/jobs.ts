/**
 * Jobs as the workspace knows them (Dagster's job snapshots): read from the definitions snapshot
 * of each LOADED code location. `resolveLoadedJob` is the one lookup both the job page and the
 * run submit use, so both fail the same way for a missing or unloaded location or job.
 */
import type { Definitions, JobDefinition, JobSummary } from "../../protocol";
import { ConflictError, NotFoundError } from "../errors";
import { getCodeLocationDefinitions, listLoadedDefinitions } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";
import { locationNotFound } from "./workspace";

export async function listJobs(db: Database): Promise<JobSummary[]> {
  const locations = await listLoadedDefinitions(db);
  return locations.flatMap(({ name, definitions }) =>
    definitions.jobs.map((job) => ({
      location: name,
      name: job.name,
      description: job.description,
      tags: job.tags,
      executor: job.executor,
      node_count: job.nodes.length,
    })),
  );
}

export async function resolveLoadedJob(db: Database, location: string, job: string): Promise<JobDefinition> {
  return loadedJobOf(await getCodeLocationDefinitions(db, location), location, job).job;
}

/**
 * The job from its location's row as read (null: no such location), with that row, now known to
 * exist; or the error a submit or job page answers.
 */
export function loadedJobOf<
  Found extends { status: string; loadError: string | null; definitions: Definitions | null },
>(found: Found | null, location: string, job: string): { job: JobDefinition; location: Found } {
  if (!found) throw locationNotFound(location);
  if (found.status !== "LOADED" || !found.definitions) {
    const why = found.loadError ? `: ${found.loadError}` : "";
    throw new ConflictError(
      "location_not_loaded",
      `Code location ${location} is ${found.status}${why}. Fix it, then POST /api/code-locations/${location}/reload.`,
    );
  }
  const definition = found.definitions.jobs.find((j) => j.name === job);
  if (!definition) {
    const known = found.definitions.jobs.map((j) => j.name).join(", ") || "(none)";
    throw new NotFoundError("job_not_found", `Code location ${location} has no job named ${job}; its jobs: ${known}.`);
  }
  return { job: definition, location: found };
}
