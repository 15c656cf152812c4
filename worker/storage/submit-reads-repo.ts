/**
 * What a submit reads before its first write, in one D1 round trip (a batch of reads): its code
 * location — status and definitions snapshot to check the job, endpoint for the launch — and the
 * saved instance config overrides, which say which run coordinator takes the run.
 */
import type { CodeLocationStatus, Definitions } from "../../protocol";
import { type CodeLocationEndpoint, codeLocationForSubmitQuery } from "./code-locations-repo";
import type { Database } from "./db";
import { instanceOverridesQuery } from "./instance-overrides-repo";

export type SubmitReads = {
  location: {
    status: CodeLocationStatus;
    loadError: string | null;
    definitions: Definitions | null;
    endpoint: CodeLocationEndpoint;
  } | null;
  /** As stored, not yet validated; null when none were ever saved. */
  savedOverrides: unknown;
};

export async function readForSubmit(db: Database, location: string): Promise<SubmitReads> {
  const [locations, overrides] = await db.batch([codeLocationForSubmitQuery(db, location), instanceOverridesQuery(db)]);
  const row = locations[0];
  return {
    location: row
      ? {
          status: row.status,
          loadError: row.loadError,
          definitions: row.definitions,
          endpoint: { name: row.name, url: row.url, secret: row.secret },
        }
      : null,
    savedOverrides: overrides[0]?.overrides ?? null,
  };
}
