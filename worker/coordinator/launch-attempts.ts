/**
 * The launches the run coordinator object carries out in the background: each attempt's claim
 * (launch-dispatch.ts), its launch request, and what `decideLaunchOutcome` (coordinator-decisions.ts)
 * decides of the result — the run launched, a retry scheduled, the run failed, or not the
 * object's to launch — with the queue store kept in step with D1. What follows for the queue as a
 * whole is the object's: `admit` when a slot freed, `arm` when a retry was scheduled.
 */
import type { RunCoordinatorConfig } from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import type { Deps } from "../wiring";
import type { Clock } from "./clock";
import { decideLaunchOutcome } from "./coordinator-decisions";
import {
  cancelBeforeRetry,
  claimLaunch,
  type FreshRun,
  failLaunch,
  type Launch,
  type LaunchClaim,
  launchClaimed,
  logLaunchRetry,
} from "./launch-dispatch";
import type { QueueStore } from "./queue/queue-store";

/** What the launches need of the object that owns them. */
export type LaunchHost = {
  store: QueueStore;
  clock: Clock;
  deps(): Promise<Deps>;
  /** Keeps the object alive until `work` is done (the object's `ctx.waitUntil`). */
  waitUntil(work: Promise<unknown>): void;
  /** A slot freed: an admission pass. */
  admit(): Promise<void>;
  /** A retry is due later: the alarm re-armed. */
  arm(): Promise<void>;
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
    const { store } = this.host;
    const { runId, attempt } = launch;
    if (attempt > 1) store.setInProgressState(runId, "launching", attempt);
    const claim = this.host.deps().then((deps) => claimLaunch(deps, { ...launch, fresh: fresh?.run }));
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
        console.error(`run coordinator: launch of ${runId} (attempt ${attempt}) failed unexpectedly:`, err);
        store.setInProgressState(runId, "launched", attempt);
      })
      .finally(() => this.#inFlight.delete(runId));
    this.#inFlight.set(runId, work);
    this.host.waitUntil(work);
    return claim;
  }

  /** Launches a claimed run and carries out what its outcome decides. */
  async #carryOut(launch: Launch, claim: LaunchClaim, config: RunCoordinatorConfig, endpoint?: FreshRun["endpoint"]) {
    const { store, clock } = this.host;
    const deps = await this.host.deps();
    const result = claim.kind === "claimed" ? await launchClaimed(deps, claim, launch.eventsUrl, endpoint) : claim;
    if (!store.getInProgress(launch.runId)) return; // it ended (and was freed) while launching
    const now = clock.now();
    const decision = decideLaunchOutcome(result, launch.attempt, config.launch_retries, now);
    switch (decision.kind) {
      case "launched":
        store.setInProgressState(launch.runId, "launched", launch.attempt);
        return;
      case "retry":
        await logLaunchRetry(deps.db, decision.run, decision.reason, decision.attempt, decision.at, now);
        store.setInProgressState(launch.runId, "retry_wait", decision.attempt, decision.at);
        return this.host.arm();
      case "not_ours":
        if (decision.cancelBeforeRetry) {
          await cancelBeforeRetry(deps.db, { id: launch.runId, attempt: 1 }, now);
          this.host.waitUntil(alertRunsEnded(deps.env, [launch.runId]));
        }
        if (decision.free) store.free([launch.runId]);
        return this.host.admit();
      case "fail":
        await failLaunch(deps.db, decision.run, decision.reason, decision.attempts, now);
        this.host.waitUntil(alertRunsEnded(deps.env, [launch.runId]));
        store.free([launch.runId]);
        return this.host.admit();
    }
  }
}
