/**
 * Who may talk to the code location server: only the control plane, proven by a Standard Webhooks
 * signature with the location's secret (DESIGN.md §5.2). Dagster's gRPC code server trusts its
 * network; ours is reachable over HTTP, so every request is signed for its own method and path,
 * fresh, and used once.
 * The replay guard is pure (time is a parameter).
 */
import { type SignedTarget, TIMESTAMP_TOLERANCE_SECONDS, type VerifyFailure, verifyWebhook } from "../../protocol";

/** Remembers webhook-ids until their timestamp falls out of tolerance, after which they cannot pass anyway. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  /** True when `id` is new (and remembers it); false for a replay. */
  remember(id: string, timestampSeconds: number, nowSeconds: number): boolean {
    this.forgetExpired(nowSeconds);
    if (this.seen.has(id)) return false;
    this.seen.set(id, Math.max(timestampSeconds, nowSeconds) + TIMESTAMP_TOLERANCE_SECONDS);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(nowSeconds: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt < nowSeconds) this.seen.delete(id);
    }
  }
}

const FAILURE_MESSAGES: Record<VerifyFailure, string> = {
  missing_headers:
    "the request is not signed: webhook-id, webhook-timestamp and webhook-signature headers are required",
  bad_timestamp: "webhook-timestamp must be whole seconds since the Unix epoch",
  timestamp_out_of_tolerance: `webhook-timestamp is more than ${TIMESTAMP_TOLERANCE_SECONDS} seconds away from this server's clock; check both clocks`,
  bad_signature:
    "webhook-signature does not match: the request was not signed with this code location's secret, or was signed for another method, path or body",
};

export type AuthResult = { ok: true } | { ok: false; message: string };

export async function authenticate(
  secret: string,
  headers: { get(name: string): string | null | undefined },
  target: SignedTarget,
  guard: ReplayGuard,
  nowSeconds: number,
): Promise<AuthResult> {
  const verified = await verifyWebhook(secret, headers, target, nowSeconds);
  if (!verified.ok) return { ok: false, message: FAILURE_MESSAGES[verified.reason] };
  const timestamp = Number(headers.get("webhook-timestamp"));
  if (!guard.remember(verified.id, timestamp, nowSeconds)) {
    return { ok: false, message: `webhook-id "${verified.id}" was already used: the request is a replay` };
  }
  return { ok: true };
}
