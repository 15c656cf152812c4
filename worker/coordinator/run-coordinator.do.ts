/**
 * The RunCoordinator Durable Object (DESIGN.md §2), one per deployment (`idFromName("default")`):
 * the only place admission is decided, so decisions are serialized without locks. Dagster's
 * QueuedRunCoordinatorDaemon, but event-driven: every submit, run end, limit change, priority
 * change and resume runs an admission pass at once. Its one alarm retries launches, heals the
 * object from D1 (runs that ended without telling it; runs it never heard of) and runs the
 * daemon's run monitoring and sensors passes between cron minutes (alarm-plan.ts).
 *
 * Thin on purpose: state lives in QueueStore and PoolSlots (its SQLite), decisions in
 * queue/queue-policy.ts and coordinator-decisions.ts, D1 writes of a launch in launch-dispatch.ts,
 * dependencies come from wiring.ts and time from one clock (`#now`). A launch is guarded by the
 * conditional QUEUED → STARTING in D1, so nothing launches twice, even across a restart; a launch
 * interrupted by a restart is never retried blindly (its request may have left) — run monitoring
 * owns a run stuck in STARTING.
 */
import { DurableObject } from "cloudflare:workers";
import type { EffectiveInstanceConfig, InstanceConfig, RunCoordinatorConfig } from "../../protocol";
import { TAG } from "../../protocol";
import { alertRunsEnded } from "../alerts/alert-hooks";
import { runMonitoringBetweenTicks, runSensorsBetweenTicks } from "../daemon/daemon";
import { loadInstanceConfig } from "../instance/load-instance-config";
import { saveRunPriority } from "../storage/run-priority-repo";
import { listInProgressForReconcile, listQueuedPage } from "../storage/runs-repo";
import { type Deps, publicBaseUrl, wire } from "../wiring";
import { AlarmPlan } from "./alarm-plan";
import {
  decideLaunchOutcome,
  dueRetries,
  nextAlarmAt,
  reconcileInProgress,
  retryTimesOf,
} from "./coordinator-decisions";
import type { CoordinatorRpc, EnqueueInput, PriorityChange, QueueSnapshot, SubmitInput } from "./coordinator-rpc";
import {
  cancelBeforeRetry,
  cancelQueuedRun,
  claimLaunch,
  type FreshRun,
  failLaunch,
  type Launch,
  type LaunchClaim,
  launchClaimed,
  launchOf,
  logLaunchRetry,
  storeQueuedRun,
} from "./launch-dispatch";
import { type PoolClaimInput, PoolSlots } from "./pools/pool-slots";
import { runAdmissionPass } from "./queue/admission-pass";
import { priorityAfterChange } from "./queue/queue-policy";
import { QueueStore } from "./queue/queue-store";

/** Runs QUEUED in D1 the object adopts per reconciliation (a lost enqueue); the rest on the next. */
const ADOPT_PAGE = 500;

export class RunCoordinator extends DurableObject<Env> implements CoordinatorRpc {
  readonly #store: QueueStore;
  /** Op concurrency pools (pools/pool-slots.ts): slot leases, in their own tables. */
  readonly #pools: PoolSlots;
  /** Launches this instance is carrying out, by run id. */
  readonly #launching = new Map<string, Promise<void>>();
  /** The daemon's passes the alarm started in the background (they never throw). */
  readonly #passes = new Set<Promise<void>>();
  /** When the coordinator's own duties and the daemon's sensors pass are next due (alarm-plan.ts). */
  readonly #alarmPlan = new AlarmPlan();
  /** The object's one clock: every time it decides on comes from here (workerd passes none: the wall clock). */
  readonly #now: () => number;
  #wired: { config: EffectiveInstanceConfig; deps: Deps } | null = null;

  constructor(ctx: DurableObjectState, env: Env, now: () => number = () => Date.now()) {
    super(ctx, env);
    this.#now = now;
    this.#store = new QueueStore(ctx.storage);
    this.#pools = new PoolSlots(ctx.storage, now);
    void ctx.blockConcurrencyWhile(async () => {
      // Launches cut off by the restart are left to D1's truth and run monitoring, never redone.
      this.#store.markInterruptedLaunches();
      if (this.#store.holdsWork()) await ctx.storage.setAlarm(this.#now());
    });
  }

  async enqueue(run: EnqueueInput): Promise<void> {
    this.#store.enqueue(run);
    await this.#admit();
  }

  /**
   * A new run, not yet in D1 (the queued coordinator's submit). Admitted by this pass: stored and
   * claimed in one D1 batch (launch-dispatch.ts `FreshRun`), returning once D1 has it, then
   * launched in the background. Else stored QUEUED first and only then queued here, so no pass
   * launches a run D1 does not know.
   */
  async submit({ run, eventsUrl, endpoint }: SubmitInput): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    const entry = { id: run.id, tags: run.tags, enqueuedAt: run.created_at, eventsUrl };
    if (!this.#store.enqueue(entry)) return; // a repeated call: the run is known already
    const admitted = runAdmissionPass(this.#store, config, this.#now());
    for (const next of admitted) if (next.id !== run.id) void this.#dispatch(launchOf(next), config);
    if (!admitted.some((next) => next.id === run.id)) {
      this.#store.removeQueued(run.id); // out of the queue until D1 has it
      await storeQueuedRun((await this.#deps()).db, run);
      return this.enqueue(entry);
    }
    try {
      await this.#dispatch(launchOf(entry), config, { run, endpoint });
    } catch (err) {
      await this.#admit(); // its slot is free again
      throw err;
    }
    await this.#arm();
  }

  /** Removes a queued run and cancels it; "not_queued" when it is not in the queue (any launch of it has finished). */
  async cancelQueued(runId: string): Promise<"canceled" | "not_queued"> {
    const inFlight = this.#launching.get(runId);
    if (inFlight) await inFlight;
    if (!this.#store.removeQueued(runId)) return "not_queued";
    return (await cancelQueuedRun((await this.#deps()).db, runId, this.#now())) ? "canceled" : "not_queued";
  }

  /** Runs reached a terminal status: free their slots and admit. */
  async runsEnded(runIds: readonly string[]): Promise<void> {
    this.#pools.releaseRuns(runIds);
    if (this.#store.free(runIds) > 0) await this.#admit();
  }

  /** The new priority, or null when the run is not queued. */
  async setPriority(runId: string, change: PriorityChange): Promise<number | null> {
    const queued = this.#store.getQueued(runId);
    if (!queued) return null;
    const priority = priorityAfterChange(change, queued, this.#store.firstQueued());
    const tags = { ...queued.tags, [TAG.priority]: String(priority) };
    if (!(await saveRunPriority((await this.#deps()).db, runId, priority, tags, this.#now()))) return null;
    if (!this.#store.getQueued(runId)) return null; // admitted or canceled while D1 was written
    this.#store.setPriority(runId, priority, tags);
    await this.#admit();
    return priority;
  }

  async setPaused(paused: boolean): Promise<void> {
    this.#store.setPaused(paused);
    if (!paused) await this.#admit();
  }

  /** The instance config changed (PATCH /api/instance): read it again and admit under the new limits. */
  async configChanged(): Promise<void> {
    this.#wired = null;
    this.#pools.wakeAll();
    await this.#admit();
  }

  async snapshot(offset: number, limit: number): Promise<QueueSnapshot> {
    return {
      config: await this.#loadConfig(),
      paused: this.#store.isPaused(),
      totalQueued: this.#store.countQueued(),
      queued: this.#store.queuedPage(offset, limit),
      inProgress: this.#store.inProgress(),
    };
  }

  /** A step claims a slot of its op's pool before it starts; may wait for one (pools/pool-slots.ts). */
  async claimPoolSlot(claim: PoolClaimInput) {
    return this.#pools.claim(claim, async () => (await this.#loadConfig()).concurrency.pools);
  }

  async renewPoolSlots(runId: string, stepKeys: string[]) {
    return this.#pools.renew(runId, stepKeys, (await this.#loadConfig()).concurrency.pools);
  }

  async releasePoolSlot(runId: string, stepKey: string): Promise<boolean> {
    return this.#pools.release(runId, stepKey);
  }

  /** Every known pool (`named`: those the definitions' ops name), or one, with limits, holders and waiting claims. */
  async pools(named: string[]) {
    return this.#pools.list((await this.#loadConfig()).concurrency.pools, named, this.#now());
  }

  async pool(name: string) {
    return this.#pools.pool(name, (await this.#loadConfig()).concurrency.pools, this.#now());
  }

  /** Waits until no launch and no pass the alarm started is under way (tests, the bench, and a cancel racing a launch). */
  async settle(): Promise<void> {
    while (this.#launching.size > 0 || this.#passes.size > 0)
      await Promise.allSettled([...this.#launching.values(), ...this.#passes]);
  }

  /** Heals the object from D1 (DESIGN §2): frees slots of runs that ended unseen, adopts runs it never heard of. */
  async reconcile(): Promise<void> {
    this.#wired = null;
    const { db } = await this.#deps();
    const launching = new Set(this.#launching.keys());
    const { free, adopt } = reconcileInProgress(
      this.#store.inProgress(),
      await listInProgressForReconcile(db),
      launching,
    );
    this.#store.free(free);
    for (const run of adopt) this.#store.adopt(run);
    const base = publicBaseUrl(this.env) ?? undefined;
    for (const run of await listQueuedPage(db, ADOPT_PAGE)) {
      const eventsUrl = this.#store.eventsUrlFor(run.id, base);
      if (eventsUrl && !this.#launching.has(run.id))
        this.#store.enqueue({ ...run, enqueuedAt: run.createdAt, eventsUrl });
    }
    await this.#admit();
  }

  /** The daemon's sensors pass should run at or before `at` (a sensor due between cron minutes). */
  async wakeDaemonAt(at: number): Promise<void> {
    this.#alarmPlan.requestSensors(at);
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    const now = this.#now();
    // Pool leases that ran out are freed on every alarm, whoever it was armed for (pools/pool-slots.ts).
    await this.#pools.expire((await this.#loadConfig()).concurrency.pools, now);
    const due = this.#alarmPlan.takeDue(now);
    if (due.sensors) this.#inBackground(this.#runSensors(now));
    if (!due.coordinator) return this.#arm();
    const config = await this.#runCoordinatorConfig();
    for (const retry of dueRetries(this.#store.inProgress(), new Set(this.#launching.keys()), now))
      void this.#dispatch(retry, config);
    await this.reconcile();
    // Run monitoring between the daemon's one-minute ticks; in the background, never throws.
    this.#inBackground(runMonitoringBetweenTicks(await this.#deps(), now));
  }

  #inBackground(pass: Promise<void>): void {
    const tracked = pass.finally(() => this.#passes.delete(tracked));
    this.#passes.add(tracked);
    this.ctx.waitUntil(tracked);
  }

  /** The sensors pass in the background (it never throws), then the alarm re-armed for the next due sensor. */
  async #runSensors(now: number): Promise<void> {
    this.#alarmPlan.sensorsPassed(await runSensorsBetweenTicks(await this.#deps(), now));
    await this.#arm();
  }

  /** This object's wiring (wiring.ts) with the instance config it read, kept until the config may have changed. */
  async #deps(): Promise<Deps> {
    if (!this.#wired) {
      const config = await loadInstanceConfig(this.env);
      this.#wired ??= { config, deps: wire(this.env, publicBaseUrl(this.env), config, this.#now) };
    }
    return this.#wired.deps;
  }

  async #loadConfig(): Promise<InstanceConfig> {
    return (await (await this.#deps()).instanceConfig()).config;
  }

  async #runCoordinatorConfig(): Promise<RunCoordinatorConfig> {
    return (await this.#loadConfig()).run_coordinator;
  }

  /** One admission pass (queue/admission-pass.ts), then the launches it chose. Synchronous once the config is known. */
  async #admit(): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    for (const run of runAdmissionPass(this.#store, config, this.#now())) void this.#dispatch(launchOf(run), config);
    await this.#arm();
  }

  /**
   * Starts one launch attempt in the background: the claim, then the launch and its outcome
   * (`#carryOut`). Resolves once the claim is written; rejects if a `fresh` run's store-and-claim
   * batch failed (D1 has nothing of it, its slot is freed), so its submit fails.
   */
  #dispatch(launch: Launch, config: RunCoordinatorConfig, fresh?: FreshRun): Promise<LaunchClaim> {
    const { runId, attempt } = launch;
    if (attempt > 1) this.#store.setInProgressState(runId, "launching", attempt);
    const claim = this.#deps().then((deps) => claimLaunch(deps, { ...launch, fresh: fresh?.run }));
    const work = claim
      .then(
        (claimed) => this.#carryOut(launch, claimed, config, fresh?.endpoint),
        (err: unknown) => {
          if (fresh) this.#store.free([runId]);
          else throw err;
        },
      )
      .catch((err: unknown) => {
        // D1 or the launcher threw: the run's state is unknown here; reconciliation settles it from D1.
        console.error(`run coordinator: launch of ${runId} (attempt ${attempt}) failed unexpectedly:`, err);
        this.#store.setInProgressState(runId, "launched", attempt);
      })
      .finally(() => this.#launching.delete(runId));
    this.#launching.set(runId, work);
    this.ctx.waitUntil(work);
    return claim;
  }

  /** Launches a claimed run and carries out what its outcome decides (coordinator-decisions.ts `decideLaunchOutcome`). */
  async #carryOut(launch: Launch, claim: LaunchClaim, config: RunCoordinatorConfig, endpoint?: FreshRun["endpoint"]) {
    const deps = await this.#deps();
    const result = claim.kind === "claimed" ? await launchClaimed(deps, claim, launch.eventsUrl, endpoint) : claim;
    if (!this.#store.getInProgress(launch.runId)) return; // it ended (and was freed) while launching
    const now = this.#now();
    const decision = decideLaunchOutcome(result, launch.attempt, config.launch_retries, now);
    switch (decision.kind) {
      case "launched":
        this.#store.setInProgressState(launch.runId, "launched", launch.attempt);
        return;
      case "retry":
        await logLaunchRetry(deps.db, decision.run, decision.reason, decision.attempt, decision.at, now);
        this.#store.setInProgressState(launch.runId, "retry_wait", decision.attempt, decision.at);
        return this.#arm();
      case "not_ours":
        if (decision.cancelBeforeRetry) {
          await cancelBeforeRetry(deps.db, { id: launch.runId, attempt: 1 }, now);
          this.ctx.waitUntil(alertRunsEnded(this.env, [launch.runId]));
        }
        if (decision.free) this.#store.free([launch.runId]);
        return this.#admit();
      case "fail":
        await failLaunch(deps.db, decision.run, decision.reason, decision.attempts, now);
        this.ctx.waitUntil(alertRunsEnded(this.env, [launch.runId]));
        this.#store.free([launch.runId]);
        return this.#admit();
    }
  }

  /** Re-arms the one alarm: never later than it already is, so steady traffic cannot starve reconciliation. */
  async #arm(): Promise<void> {
    const now = this.#now();
    const retryTimes = retryTimesOf(this.#store.inProgress());
    this.#alarmPlan.planCoordinator(nextAlarmAt({ retryTimes, holdsWork: this.#store.holdsWork(), now }));
    const at = this.#alarmPlan.nextAlarmAt(); // the earlier of that and the daemon's next due sensor
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }
}
