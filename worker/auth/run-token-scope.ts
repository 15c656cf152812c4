/**
 * The run token's check, for the routes a run worker may call (DESIGN.md §5.3): the events
 * webhook, the compute-log upload and the op pool slots of the same run. The
 * scope stays one run and its current attempt: the token is compared with the hash stored on that
 * run, and the caller gets back the attempt it is valid for. Every other route ignores it.
 */
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";
import type { Database } from "../storage/db";
import { getRunCredentials } from "../storage/runs-repo";
import { readBearerToken } from "./bearer-token";
import { tokenMatchesHash } from "./token-hash";

export async function authorizeRunToken(
  db: Database,
  runId: string,
  authorization: string | undefined,
): Promise<{ attempt: number }> {
  const token = readBearerToken(authorization);
  if (token === null) {
    throw new UnauthorizedError("Send the run token from the launch request as `Authorization: Bearer <run_token>`.");
  }
  const credentials = await getRunCredentials(db, runId);
  if (!credentials) throw new NotFoundError("run_not_found", `There is no run with id ${runId}.`);
  if (credentials.runTokenHash === null || !(await tokenMatchesHash(token, credentials.runTokenHash))) {
    throw new ForbiddenError(
      `The bearer token is not the run token of run ${runId}'s current attempt; only that token (not the admin token) is accepted here.`,
    );
  }
  return { attempt: credentials.attempt };
}
