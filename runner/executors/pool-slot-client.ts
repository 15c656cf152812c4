/**
 * The run worker's side of op concurrency pools (DESIGN.md §2; Dagster's concurrency pools): a
 * step whose op names a pool claims a slot from the control plane
 * (`POST <control plane>/api/runs/<id>/pool-slots`, with the run token) before it starts, waits
 * for one if the pool is full — one ENGINE_EVENT says so, then long polls, so the step starts the
 * moment a slot frees without a request per second — renews the leases it holds every third of
 * the lease, and releases its slot when the step ends. If this process dies, nothing is renewed
 * and the control plane frees the slot after one lease.
 */
import {
  formatDuration,
  MAX_CLAIM_WAIT_MS,
  type PoolSlotClaimReply,
  PoolSlotClaimReplySchema,
  PoolSlotRenewReplySchema,
} from "../../protocol";
import type { EmitEvent } from "../events/event-log";

export interface PoolSlotClaimer {
  /** Resolves true once the step holds a slot of `pool`; false if `signal` aborted first. Throws when refused. */
  acquire(stepKey: string, pool: string, signal: AbortSignal): Promise<boolean>;
  /** Frees the step's slot; never throws (an unreleased lease expires on its own). */
  release(stepKey: string): Promise<void>;
  /** Stops renewing (the run worker is done). */
  close(): void;
}

export interface PoolSlotClientOptions {
  /** The launch's events_url; the pool-slots URL sits beside it. */
  readonly eventsUrl: string;
  readonly token: string;
  readonly emit: EmitEvent;
  readonly fetch?: typeof fetch;
  /** Delay before asking again after a network error or a 5xx. */
  readonly retryDelayMs?: number;
}

/** A refusal the control plane will repeat (bad token, bad body): the step fails rather than waits forever. */
export class PoolSlotRefused extends Error {
  override readonly name = "PoolSlotRefused";
}

export class PoolSlotClient implements PoolSlotClaimer {
  readonly #options: PoolSlotClientOptions;
  readonly #base: string;
  /** Held slots: step key → lease length. */
  readonly #held = new Map<string, number>();
  #renewTimer: NodeJS.Timeout | null = null;

  constructor(options: PoolSlotClientOptions) {
    this.#options = options;
    this.#base = options.eventsUrl.replace(/\/events$/, "/pool-slots");
  }

  async acquire(stepKey: string, pool: string, signal: AbortSignal): Promise<boolean> {
    const started = Date.now();
    let told = false;
    while (!signal.aborted) {
      const reply = await this.#claim(stepKey, pool, told ? MAX_CLAIM_WAIT_MS : 0, signal);
      if (reply === null) continue; // aborted, or a transient failure already waited out
      if (reply.status === "GRANTED") {
        this.#held.set(stepKey, reply.lease_ms);
        this.#scheduleRenewal();
        if (told) {
          this.#options.emit({
            type: "ENGINE_EVENT",
            stepKey,
            message: `Step "${stepKey}" got a slot of pool "${pool}" after waiting ${formatDuration(Date.now() - started)}.`,
            data: { pool, waited_ms: Date.now() - started },
          });
        }
        return true;
      }
      if (!told) {
        told = true;
        this.#options.emit({
          type: "ENGINE_EVENT",
          stepKey,
          message: describeWait(stepKey, reply),
          data: { pool, limit: reply.limit, in_use: reply.in_use, position: reply.position },
        });
      }
    }
    return false;
  }

  async release(stepKey: string): Promise<void> {
    if (!this.#held.delete(stepKey)) return;
    if (this.#held.size === 0) this.#stopRenewal();
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await this.#fetch(`${this.#base}/${encodeURIComponent(stepKey)}`, { method: "DELETE" });
        await res.body?.cancel();
        if (res.ok || (res.status >= 400 && res.status < 500)) return;
      } catch {
        // The network failed: try again; past the attempts, the lease expires on its own.
      }
      await new Promise((r) => setTimeout(r, this.#options.retryDelayMs ?? 500));
    }
    console.error(`flightdeck: could not release the pool slot of step "${stepKey}"; its lease will expire`);
  }

  close(): void {
    this.#stopRenewal();
    this.#held.clear();
  }

  /** One claim; null when it should simply be asked again (aborted, or a transient failure). */
  async #claim(stepKey: string, pool: string, waitMs: number, signal: AbortSignal): Promise<PoolSlotClaimReply | null> {
    let res: Response;
    try {
      res = await this.#fetch(this.#base, {
        method: "POST",
        body: JSON.stringify({ step_key: stepKey, pool, wait_ms: waitMs }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) return null;
      console.error(`flightdeck: claiming a slot of pool "${pool}" failed (${String(error)}); trying again`);
      await this.#pause(signal);
      return null;
    }
    const text = await res.text();
    if (res.ok) return PoolSlotClaimReplySchema.parse(JSON.parse(text));
    if (res.status >= 500 || res.status === 429) {
      console.error(`flightdeck: claiming a slot of pool "${pool}" got ${res.status}; trying again`);
      await this.#pause(signal);
      return null;
    }
    throw new PoolSlotRefused(
      `the control plane refused the claim of a slot of pool "${pool}" (${res.status}): ${text}`,
    );
  }

  #scheduleRenewal(): void {
    const leaseMs = Math.min(...this.#held.values());
    this.#stopRenewal();
    this.#renewTimer = setInterval(() => void this.#renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.#renewTimer.unref();
  }

  #stopRenewal(): void {
    if (this.#renewTimer) clearInterval(this.#renewTimer);
    this.#renewTimer = null;
  }

  async #renew(): Promise<void> {
    const stepKeys = [...this.#held.keys()];
    if (stepKeys.length === 0) return;
    try {
      const res = await this.#fetch(`${this.#base}/renew`, {
        method: "POST",
        body: JSON.stringify({ step_keys: stepKeys }),
      });
      if (!res.ok) {
        console.error(`flightdeck: renewing pool slots got ${res.status}: ${await res.text()}`);
        return;
      }
      const reply = PoolSlotRenewReplySchema.parse(await res.json());
      for (const stepKey of reply.lost) {
        if (!this.#held.delete(stepKey)) continue; // released meanwhile
        this.#options.emit({
          type: "ENGINE_EVENT",
          stepKey,
          level: "WARNING",
          message: `Step "${stepKey}" lost its pool slot: its lease ran out before it was renewed (the control plane was unreachable for too long). The step keeps running.`,
        });
      }
    } catch (error) {
      // The next tick tries again; the lease outlives two missed renewals.
      console.error(`flightdeck: renewing pool slots failed: ${String(error)}`);
    }
  }

  #fetch(url: string, init: RequestInit): Promise<Response> {
    return (this.#options.fetch ?? fetch)(url, {
      ...init,
      headers: { authorization: `Bearer ${this.#options.token}`, "content-type": "application/json" },
    });
  }

  #pause(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#options.retryDelayMs ?? 1000);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

function describeWait(stepKey: string, reply: Extract<PoolSlotClaimReply, { status: "WAITING" }>): string {
  const pool = `pool "${reply.pool}"`;
  if (reply.limit === 0)
    return `Step "${stepKey}" waits for a slot of ${pool}: its limit is 0, so nothing runs in it until the limit is raised.`;
  return `Step "${stepKey}" waits for a slot of ${pool} (limit ${reply.limit}, ${reply.in_use} in use, position ${reply.position} in line).`;
}
