/**
 * The schedules and sensors of every LOADED code location (Dagster's "instigators"), found by
 * name, with `location` to tell apart two locations that use the same name. Shared by the
 * schedules and sensors APIs, which differ only in what they say about each one.
 */
import type { Definitions } from "../../protocol";
import { ConflictError, NotFoundError } from "../errors";
import { listLoadedDefinitions } from "../storage/code-locations-repo";
import type { Database } from "../storage/db";

export type InstigatorKind = "schedules" | "sensors";
export type FoundInstigator<K extends InstigatorKind> = { location: string; definition: Definitions[K][number] };

const NOUN: Record<InstigatorKind, string> = { schedules: "schedule", sensors: "sensor" };

export async function listInstigators<K extends InstigatorKind>(db: Database, kind: K): Promise<FoundInstigator<K>[]> {
  const locations = await listLoadedDefinitions(db);
  return locations.flatMap(({ name, definitions }) =>
    (definitions[kind] as Definitions[K][number][]).map((definition) => ({ location: name, definition })),
  );
}

/** The one instigator of that kind and name; 404 when none, 409 when several locations have it. */
export async function findInstigator<K extends InstigatorKind>(
  db: Database,
  kind: K,
  name: string,
  location: string | undefined,
): Promise<FoundInstigator<K>> {
  const matches = (await listInstigators(db, kind)).filter(
    (f) => f.definition.name === name && (location === undefined || f.location === location),
  );
  const [first, second] = matches;
  const noun = NOUN[kind];
  if (!first) {
    const where = location === undefined ? "in any loaded code location" : `in code location ${location}`;
    throw new NotFoundError("not_found", `There is no ${noun} named ${name} ${where}.`);
  }
  if (second) {
    const capitalized = noun.charAt(0).toUpperCase() + noun.slice(1);
    throw new ConflictError(
      "conflict",
      `${capitalized} ${name} exists in code locations ${matches.map((m) => m.location).join(", ")}; add ?location=<name>.`,
    );
  }
  return first;
}
