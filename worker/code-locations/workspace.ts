/**
 * The workspace (Dagster's workspace): registering, replacing, reloading and removing code
 * locations. Each write first loads the definitions, then stores the location in one statement as
 * LOADED with the snapshot or LOAD_ERROR with the error — a location that cannot be reached is
 * still registered, so the operator sees why.
 */

import type { CodeLocation, CreateCodeLocation } from "../../protocol";
import { isAgentLocationUrl, isValidSecret } from "../../protocol";
import { ConflictError, NotFoundError, ValidationFailedError } from "../errors";
import type { FetchFn } from "../launcher/signed-fetch";
import {
  codeLocationExists,
  deleteCodeLocation,
  getCodeLocation,
  getCodeLocationEndpoint,
  insertCodeLocation,
  saveLoadOutcome,
  upsertCodeLocation,
} from "../storage/code-locations-repo";
import type { Database } from "../storage/db";
import { agentLocationReloadRefused } from "./agent-location";
import { loadDefinitions } from "./load-definitions";

export type WorkspaceDeps = { db: Database; fetch: FetchFn; timeoutMs: number; now: () => number };

const SECRET_FORMAT =
  "must be 'whsec_' followed by the base64 of at least 24 random bytes — the secret the code location server was started with";

export function assertValidSecret(secret: string): void {
  if (!isValidSecret(secret)) {
    const issues = [{ path: "secret", message: SECRET_FORMAT }];
    throw new ValidationFailedError(`The secret ${SECRET_FORMAT}.`, issues);
  }
}

export function locationNotFound(name: string): NotFoundError {
  return new NotFoundError(
    "location_not_found",
    `There is no code location named ${name}; list them with GET /api/code-locations.`,
  );
}

async function readBack(db: Database, name: string): Promise<CodeLocation> {
  const location = await getCodeLocation(db, name);
  if (!location) throw locationNotFound(name); // deleted between our write and this read
  return location;
}

export async function registerCodeLocation(deps: WorkspaceDeps, input: CreateCodeLocation): Promise<CodeLocation> {
  assertValidSecret(input.secret);
  const conflict = () =>
    new ConflictError(
      "conflict",
      `A code location named ${input.name} exists; replace it with PUT /api/code-locations/${input.name}.`,
    );
  // Checked before loading so a taken name costs no request to the server; the insert checks again.
  if (await codeLocationExists(deps.db, input.name)) throw conflict();
  const outcome = await loadDefinitions(deps.fetch, input, { timeoutMs: deps.timeoutMs, now: deps.now() });
  if (!(await insertCodeLocation(deps.db, input, outcome, deps.now()))) throw conflict();
  return readBack(deps.db, input.name);
}

export async function replaceCodeLocation(
  deps: WorkspaceDeps,
  input: CreateCodeLocation,
): Promise<{ codeLocation: CodeLocation; created: boolean }> {
  assertValidSecret(input.secret);
  const outcome = await loadDefinitions(deps.fetch, input, { timeoutMs: deps.timeoutMs, now: deps.now() });
  const { created } = await upsertCodeLocation(deps.db, input, outcome, deps.now());
  return { codeLocation: await readBack(deps.db, input.name), created };
}

export async function reloadCodeLocation(deps: WorkspaceDeps, name: string): Promise<CodeLocation> {
  const endpoint = await getCodeLocationEndpoint(deps.db, name);
  if (!endpoint) throw locationNotFound(name);
  if (isAgentLocationUrl(endpoint.url)) throw agentLocationReloadRefused(name);
  const outcome = await loadDefinitions(deps.fetch, endpoint, { timeoutMs: deps.timeoutMs, now: deps.now() });
  if (!(await saveLoadOutcome(deps.db, name, outcome, deps.now()))) throw locationNotFound(name);
  return readBack(deps.db, name);
}

/** Removes the location from the workspace; its runs and their logs stay, as in Dagster. */
export async function removeCodeLocation(db: Database, name: string): Promise<void> {
  if (!(await deleteCodeLocation(db, name))) throw locationNotFound(name);
}
