/**
 * The run token's check, for the routes a run worker may call (DESIGN.md §5.3): the events
 * webhook, the compute-log upload and the op pool-slot claims of the same run. The scope is one
 * run, its current attempt, and its life: the token is compared with the hash stored on that run,
 * and once the run has ended (SUCCESS, FAILURE, CANCELED) every write with it is refused — 409,
 * nothing stored — so a token that outlives its run cannot rewrite the outcome, add logs, or hold
 * a pool slot the ended run no longer needs. Routes that take new work for the run (pool-slot
 * claims and renewals) also refuse a run that is not yet in progress.
 */
import type { RunStatus } from "../../protocol";
import { IN_PROGRESS_STATUSES, isTerminalStatus } from "../../protocol";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";
import type { Database } from "../storage/db";
import { getRunCredentials } from "../storage/runs-repo";
import { readBearerToken } from "./bearer-token";
import { tokenMatchesHash } from "./token-hash";

export type RunTokenScope = { attempt: number; status: RunStatus };

export async function authorizeRunToken(
  db: Database,
  runId: string,
  authorization: string | undefined,
  opts: { requireInProgress?: boolean } = {},
): Promise<RunTokenScope> {
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
  const { status, attempt } = credentials;
  if (isTerminalStatus(status)) {
    throw new ConflictError("run_ended", `Run ${runId} has ended (${status}); its run token accepts nothing more.`);
  }
  if (opts.requireInProgress && !(IN_PROGRESS_STATUSES as readonly RunStatus[]).includes(status)) {
    throw new ConflictError(
      "run_not_in_progress",
      `Run ${runId} is ${status}, not in progress; it cannot claim pool slots.`,
    );
  }
  return { attempt, status };
}
