/**
 * The workspace's storage: code locations with their status and definitions snapshot (Dagster's
 * workspace and its code location origins). The secret is read only for signing launches
 * (`getCodeLocationEndpoint`, `codeLocationForSubmitQuery`); nothing that builds an API reply ever selects it.
 */
import { asc, eq, sql } from "drizzle-orm";
import type { CodeLocation, CodeLocationStatus, Definitions } from "../../protocol";
import type { Database } from "./db";
import { codeLocations } from "./schema";

/** The outcome of loading a location's definitions, as stored. */
export type LoadOutcome =
  | { status: "LOADED"; definitions: Definitions; loadedAt: number }
  | { status: "LOAD_ERROR"; loadError: string };

export type CodeLocationEndpoint = { name: string; url: string; secret: string };

const publicColumns = {
  name: codeLocations.name,
  url: codeLocations.url,
  status: codeLocations.status,
  loadError: codeLocations.loadError,
  loadedAt: codeLocations.loadedAt,
  createdAt: codeLocations.createdAt,
  updatedAt: codeLocations.updatedAt,
  // Counted in SQL so listing the workspace does not parse every snapshot.
  jobCount: sql<number>`coalesce(json_array_length(${codeLocations.definitions}, '$.jobs'), 0)`,
};

type PublicRow = {
  name: string;
  url: string;
  status: CodeLocationStatus;
  loadError: string | null;
  loadedAt: number | null;
  createdAt: number;
  updatedAt: number;
  jobCount: number;
};

function toCodeLocation(row: PublicRow): CodeLocation {
  return {
    name: row.name,
    url: row.url,
    status: row.status,
    load_error: row.loadError,
    loaded_at: row.loadedAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    job_count: row.jobCount,
  };
}

function outcomeColumns(outcome: LoadOutcome) {
  return outcome.status === "LOADED"
    ? { status: outcome.status, definitions: outcome.definitions, loadError: null, loadedAt: outcome.loadedAt }
    : { status: outcome.status, definitions: null, loadError: outcome.loadError, loadedAt: null };
}

export async function listCodeLocations(db: Database): Promise<CodeLocation[]> {
  const rows = await db.select(publicColumns).from(codeLocations).orderBy(asc(codeLocations.name));
  return rows.map(toCodeLocation);
}

export async function getCodeLocation(db: Database, name: string): Promise<CodeLocation | null> {
  const row = await db.select(publicColumns).from(codeLocations).where(eq(codeLocations.name, name)).get();
  return row ? toCodeLocation(row) : null;
}

export async function codeLocationExists(db: Database, name: string): Promise<boolean> {
  const row = await db
    .select({ name: codeLocations.name })
    .from(codeLocations)
    .where(eq(codeLocations.name, name))
    .get();
  return row !== undefined;
}

/** Where to reach a location and the secret to sign with: for the launcher and the loader only. */
export async function getCodeLocationEndpoint(db: Database, name: string): Promise<CodeLocationEndpoint | null> {
  const row = await db
    .select({ name: codeLocations.name, url: codeLocations.url, secret: codeLocations.secret })
    .from(codeLocations)
    .where(eq(codeLocations.name, name))
    .get();
  return row ?? null;
}

/**
 * What a submit needs of its location in one read: the status and snapshot to check the job, and
 * the endpoint the run coordinator launches it at (so the launch does not read it again).
 */
export function codeLocationForSubmitQuery(db: Database, name: string) {
  return db
    .select({
      name: codeLocations.name,
      url: codeLocations.url,
      secret: codeLocations.secret,
      status: codeLocations.status,
      loadError: codeLocations.loadError,
      definitions: codeLocations.definitions,
    })
    .from(codeLocations)
    .where(eq(codeLocations.name, name));
}

/** The status and snapshot a submit or a job page needs. */
export async function getCodeLocationDefinitions(
  db: Database,
  name: string,
): Promise<{ status: CodeLocationStatus; loadError: string | null; definitions: Definitions | null } | null> {
  const row = await db
    .select({
      status: codeLocations.status,
      loadError: codeLocations.loadError,
      definitions: codeLocations.definitions,
    })
    .from(codeLocations)
    .where(eq(codeLocations.name, name))
    .get();
  return row ?? null;
}

/** Snapshots of every LOADED location, for the job list. */
export async function listLoadedDefinitions(db: Database): Promise<{ name: string; definitions: Definitions }[]> {
  const rows = await db
    .select({ name: codeLocations.name, definitions: codeLocations.definitions })
    .from(codeLocations)
    .where(eq(codeLocations.status, "LOADED"))
    .orderBy(asc(codeLocations.name));
  return rows.flatMap((r) => (r.definitions ? [{ name: r.name, definitions: r.definitions }] : []));
}

/** Inserts a new location; false when the name is already taken (nothing is written then). */
export async function insertCodeLocation(
  db: Database,
  endpoint: CodeLocationEndpoint,
  outcome: LoadOutcome,
  now: number,
): Promise<boolean> {
  const inserted = await db
    .insert(codeLocations)
    .values({ ...endpoint, ...outcomeColumns(outcome), createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ name: codeLocations.name });
  return inserted.length === 1;
}

/** Creates or replaces a location; true when it was created. */
export async function upsertCodeLocation(
  db: Database,
  endpoint: CodeLocationEndpoint,
  outcome: LoadOutcome,
  now: number,
): Promise<{ created: boolean }> {
  const columns = outcomeColumns(outcome);
  const [row] = await db
    .insert(codeLocations)
    .values({ ...endpoint, ...columns, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: codeLocations.name,
      set: { url: endpoint.url, secret: endpoint.secret, ...columns, updatedAt: now },
    })
    .returning({ createdAt: codeLocations.createdAt });
  // An upsert's RETURNING cannot say which branch ran; a replaced row keeps its older created_at.
  return { created: row?.createdAt === now };
}

/** Stores a reload's outcome; false when the location was deleted meanwhile. */
export async function saveLoadOutcome(db: Database, name: string, outcome: LoadOutcome, now: number): Promise<boolean> {
  const updated = await db
    .update(codeLocations)
    .set({ ...outcomeColumns(outcome), updatedAt: now })
    .where(eq(codeLocations.name, name))
    .returning({ name: codeLocations.name });
  return updated.length === 1;
}

export async function deleteCodeLocation(db: Database, name: string): Promise<boolean> {
  const deleted = await db
    .delete(codeLocations)
    .where(eq(codeLocations.name, name))
    .returning({ name: codeLocations.name });
  return deleted.length === 1;
}
