/**
 * `Idempotency-Key` on the routes that create a run (submit, re-execute), with Stripe's rules: a
 * key is the caller's (scoped to who sent it and the route) and is kept 24 hours; a retry with the
 * same key and the same request gets the run the first one made, never a second run; the same key
 * with another request is refused (422); a request that was refused stores no key, so it can be
 * corrected and sent again with it.
 *
 * The key is claimed, with the id the new run will have, before the run is created. So a client
 * whose first request created the run but never saw the reply (the control plane died meanwhile)
 * finds that run on its retry; and if the first request died before the run was stored, the retry
 * creates it under the same id — a run id is a primary key, so two requests racing on one key
 * still make one run (the loser finds the winner's).
 */
import type { Run } from "../../protocol";
import { sha256Hex } from "../auth/token-hash";
import { DomainError, LimitExceededError } from "../errors";
import type { Database } from "../storage/db";
import { claimIdempotencyKey, findIdempotencyKey, releaseIdempotencyKey } from "../storage/idempotency-repo";
import { getRun } from "../storage/runs-repo";
import { newRunId } from "./run-id";

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type IdempotentRequest = {
  /** The `Idempotency-Key` header, or undefined when the caller sent none. */
  key: string | undefined;
  /** Whose key: the caller and the route. */
  scope: string;
  /** What was asked (path parameters and body): a retry must ask the same. */
  request: unknown;
  now: number;
};

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new LimitExceededError(
      `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; this one has ${key.length}.`,
    );
  }
}

/**
 * Runs `create` once per key: returns the run this key already made, or the one `create` makes
 * with the id the key was claimed for. Without a key, `create` runs with a fresh id.
 */
export async function createRunOnce(
  db: Database,
  req: IdempotentRequest,
  create: (runId: string) => Promise<Run>,
): Promise<Run> {
  if (req.key === undefined) return create(newRunId(req.now));
  const key = req.key;
  checkKey(key);
  const requestHash = await sha256Hex(canonicalJson(req.request));
  const since = req.now - IDEMPOTENCY_KEY_TTL_MS;
  for (let tries = 0; tries < 2; tries++) {
    const existing = await findIdempotencyKey(db, req.scope, key, since);
    if (existing) {
      if (existing.bodyHash !== requestHash) {
        throw new DomainError(
          422,
          "idempotency_key_reused",
          "This Idempotency-Key was used in the last 24 hours with a different request; use a new key for a new run.",
        );
      }
      const run = await getRun(db, existing.runId);
      if (run) return run;
      // Claimed, but the run was never stored: the first request died (or is still on its way);
      // make it under the claimed id — if the first one gets there first, its run is the answer.
      return createOrFind(db, existing.runId, create);
    }
    const runId = newRunId(req.now);
    if (
      await claimIdempotencyKey(db, { scope: req.scope, key, bodyHash: requestHash, runId, createdAt: req.now }, since)
    ) {
      try {
        return await create(runId);
      } catch (error) {
        // Refused (bad config, job gone...): nothing was made, so the key is free for the corrected request.
        if (error instanceof DomainError && error.status < 500) await releaseIdempotencyKey(db, req.scope, key);
        throw error;
      }
    }
    // Another request claimed the key between our read and our claim: read its claim.
  }
  throw new Error("an idempotency key was claimed and released twice during one request");
}

async function createOrFind(db: Database, runId: string, create: (runId: string) => Promise<Run>): Promise<Run> {
  try {
    return await create(runId);
  } catch (error) {
    const run = await getRun(db, runId);
    if (run) return run;
    throw error;
  }
}
