/**
 * The launches the run coordinator object carries out in the background: each launch's run token
 * (saved first, launch-tokens.ts), its claim (launch-dispatch.ts), its launch request, and what
 * `decideLaunchOutcome` (launch-outcome.ts) decides of the result — the run launched, back in the
 * queue with its code location paused, failed, or not the object's to launch — with the queue
 * store kept in step with D1. What follows for the queue as a whole is the object's: `admit` when
 * a slot freed.
 */
import type { RunCoordinatorConfig } from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import { issueRunToken } from "../auth/run-token";
import { sha256Hex } from "../auth/token-hash";
import type { Deps } from "../wiring";
import type { Clock } from "./clock";
import {
  claimLaunch,
  type FreshRun,
  failLaunch,
  type Launch,
  type LaunchClaim,
  launchClaimed,
  requeueRun,
} from "./launch-dispatch";
import { decideLaunchOutcome } from "./launch-outcome";
import type { LaunchTokens } from "./launch-tokens";
import type { LocationPauseStore } from "./queue/location-pause-store";
import type { QueueStore } from "./queue/queue-store";

/** What the launches need of the object that owns them. */
export type LaunchHost = {
  store: QueueStore;
  pauses: LocationPauseStore;
  tokens: LaunchTokens;
  clock: Clock;
  deps(): Promise<Deps>;
  /** Keeps the object alive until `work` is done (the object's `ctx.waitUntil`). */
  waitUntil(work: Promise<unknown>): void;
  /** A slot freed: an admission pass. */
  admit(): Promise<void>;
};

export class LaunchAttempts {
  /** Launches under way, by run id. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(private readonly host: LaunchHost) {}

  /** The runs whose launch is under way. */
  runIds(): Set<string> {
    return new Set(this.#inFlight.keys());
  }

  /** The launch of `runId` under way, if any (it never rejects). */
  inFlight(runId: string): Promise<void> | undefined {
    return this.#inFlight.get(runId);
  }

  underWay(): Promise<void>[] {
    return [...this.#inFlight.values()];
  }

  /**
   * Starts one launch attempt in the background: the claim, then the launch and its outcome
   * (`#carryOut`). Resolves once the claim is written; rejects if a `fresh` run's store-and-claim
   * batch failed (D1 has nothing of it, its slot is freed), so its submit fails.
   */
  start(launch: Launch, config: RunCoordinatorConfig, fresh?: FreshRun): Promise<LaunchClaim> {
    const { store, tokens } = this.host;
    const { runId } = launch;
    const claim = Promise.all([this.host.deps(), this.#tokenFor(launch)]).then(([deps, { resend, ...token }]) =>
      claimLaunch(deps, { ...launch, resend, token, fresh: fresh?.run }),
    );
    const work = claim
      .then(
        (claimed) => this.#carryOut(launch, claimed, config, fresh?.endpoint),
        (err: unknown) => {
          if (fresh) store.free([runId]);
          else throw err;
        },
      )
      .catch((err: unknown) => {
        // D1 or the launcher threw: the run's state is unknown here; reconciliation settles it from D1.
        console.error(`run coordinator: launch of ${runId} failed unexpectedly:`, err);
        store.setInProgressState(runId, "launched");
      })
      .finally(() => {
        // Its outcome is carried out (or the run left in D1's hands): nothing is left to re-send.
        tokens.delete(runId);
        this.#inFlight.delete(runId);
      });
    this.#inFlight.set(runId, work);
    this.host.waitUntil(work);
    return claim;
  }

  /**
   * The run token a launch is claimed with, saved before the claim: a re-sent launch uses the one
   * it was first claimed with, so D1's hash and a run worker the first request may have started
   * still match. Without a saved token a launch is not re-sent: its claim must move it from QUEUED.
   */
  async #tokenFor(launch: Launch) {
    const saved = launch.resend ? this.host.tokens.get(launch.runId) : null;
    if (saved) return { token: saved, hash: await sha256Hex(saved), resend: true };
    const issued = await issueRunToken();
    this.host.tokens.set(launch.runId, issued.token);
    return { ...issued, resend: false };
  }

  /** Launches a claimed run and carries out what its outcome decides (launch-outcome.ts). */
  async #carryOut(launch: Launch, claim: LaunchClaim, config: RunCoordinatorConfig, endpoint?: FreshRun["endpoint"]) {
    const { store, clock, pauses } = this.host;
    const deps = await this.host.deps();
    const result = claim.kind === "claimed" ? await launchClaimed(deps, claim, launch.eventsUrl, endpoint) : claim;
    const { runId } = launch;
    if (!store.getInProgress(runId)) return; // it ended (and was freed) while launching
    const now = clock.now();
    const decision = decideLaunchOutcome(result, config, now);
    switch (decision.kind) {
      case "launched":
        store.setInProgressState(runId, "launched");
        if (result.kind === "launched") pauses.reached(result.run.location);
        return;
      case "not_ours":
        if (decision.free) store.free([runId]);
        else store.setInProgressState(runId, "launched");
        return this.host.admit();
      case "requeue": {
        const { run } = decision;
        pauses.pause(decision.pause, now);
        store.free([runId]);
        // Back in the queue at its first enqueue time: its place is kept (a terminate meanwhile wins).
        if (await requeueRun(deps.db, run, decision.message, now)) {
          const entry = { id: run.id, tags: run.tags, enqueuedAt: run.created_at, location: run.location };
          store.enqueue({ ...entry, eventsUrl: launch.eventsUrl });
        }
        return this.host.admit();
      }
      case "fail":
        if (decision.pause) pauses.pause(decision.pause, now);
        await failLaunch(deps.db, decision.run, decision.message, now);
        this.host.waitUntil(alertRunsEnded(deps.env, [runId]));
        store.free([runId]);
        return this.host.admit();
    }
  }
}
