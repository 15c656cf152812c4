/**
 * The RunCoordinator Durable Object (DESIGN.md §2), one per deployment (`idFromName("default")`):
 * the only place admission is decided, so decisions are serialized without locks. Dagster's
 * QueuedRunCoordinatorDaemon, but event-driven: every submit, run end, limit change, priority
 * change and resume runs an admission pass at once. Its one alarm only retries launches and heals
 * the object from D1 (runs that ended without telling it; runs it never heard of) — and wakes the
 * daemon's sensors pass when a sensor is due between cron minutes (daemon/alarm-plan.ts).
 *
 * Thin on purpose: state lives in QueueStore (its SQLite), decisions in queue-policy.ts and
 * coordinator-decisions.ts, D1 writes of a launch in launch-dispatch.ts. A launch is guarded by the
 * conditional QUEUED → STARTING in D1, so nothing launches twice, even across a restart; a launch
 * interrupted by a restart is never retried blindly (its request may have left) — run monitoring
 * owns a run stuck in STARTING.
 */
import { DurableObject } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import type { InstanceConfig, RunCoordinatorConfig } from "../../protocol";
import { IN_PROGRESS_STATUSES, TAG } from "../../protocol";
import { monitorFromCoordinatorAlarm, sensorsFromCoordinatorAlarm } from "../daemon/daemon";
import { loadInstanceConfig } from "../instance/load-instance-config";
import { HttpRunLauncher } from "../launcher/http-run-launcher";
import { openDatabase, runBatch } from "../storage/db";
import { saveRunPriority } from "../storage/run-priority-repo";
import { transitionRun } from "../storage/runs-repo";
import { runs } from "../storage/schema";
import { AlarmPlan } from "./alarm-plan";
import { decideLaunchFailure, nextAlarmAt, reconcileInProgress } from "./coordinator-decisions";
import type { CoordinatorRpc, EnqueueInput, PriorityChange, QueueSnapshot, SubmitInput } from "./coordinator-rpc";
import {
  attemptLaunch,
  cancelBeforeRetry,
  type FreshRun,
  failLaunch,
  logLaunchRetry,
  queuedRunStatements,
} from "./launch-dispatch";
import { type PoolClaimInput, PoolSlots } from "./pools/pool-slots";
import { runAdmissionPass } from "./queue/admission-pass";
import { QueueStore } from "./queue/queue-store";

/** Runs QUEUED in D1 the object adopts per reconciliation (a lost enqueue); the rest on the next. */
const ADOPT_PAGE = 500;

export class RunCoordinator extends DurableObject<Env> implements CoordinatorRpc {
  readonly #store: QueueStore;
  /** Op concurrency pools (pool-slots.ts): slot leases, in their own tables. */
  readonly #pools: PoolSlots;
  /** Launches this instance is carrying out, by run id. */
  readonly #launching = new Map<string, Promise<void>>();
  /** When the coordinator's own duties and the daemon's sensors pass are next due (alarm-plan.ts). */
  readonly #alarmPlan = new AlarmPlan();
  #config: InstanceConfig | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new QueueStore(ctx.storage);
    this.#pools = new PoolSlots(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      // Launches cut off by the restart are left to D1's truth and run monitoring, never redone.
      this.#store.markInterruptedLaunches();
      if (this.#store.holdsWork()) await ctx.storage.setAlarm(Date.now());
    });
  }

  async enqueue(run: EnqueueInput): Promise<void> {
    this.#store.enqueue(run);
    await this.#admit();
  }

  /**
   * A new run, not yet in D1 (the queued coordinator's submit). Admitted by this pass: stored and
   * claimed in one D1 batch, then launched (launch-dispatch.ts `FreshRun`); returns once D1 has it.
   * Else stored QUEUED first and only then queued here, so no pass launches a run D1 does not know.
   */
  async submit({ run, eventsUrl, endpoint }: SubmitInput): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    const entry = { id: run.id, tags: run.tags, enqueuedAt: run.created_at, eventsUrl };
    if (!this.#store.enqueue(entry)) return; // a repeated call: the run is known already
    const admitted = runAdmissionPass(this.#store, config, Date.now());
    const others = admitted.filter((next) => next.id !== run.id);
    for (const next of others) this.#dispatch(next.id, 1, next.eventsUrl, next.enqueuedAt, config);
    if (others.length === admitted.length) {
      this.#store.removeQueued(run.id); // out of the queue until D1 has it
      const db = openDatabase(this.env.DB);
      await runBatch(db, queuedRunStatements(db, run));
      return this.enqueue(entry);
    }
    try {
      await new Promise<void>((onClaimed, onFailed) =>
        this.#dispatch(run.id, 1, eventsUrl, run.created_at, config, { run, endpoint, onClaimed, onFailed }),
      );
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
    const now = Date.now();
    const canceled = await transitionRun(
      openDatabase(this.env.DB),
      { runId, to: "CANCELED", from: ["QUEUED"], now, endedAt: now },
      {
        runId,
        attempt: 1,
        type: "RUN_CANCELED",
        ts: now,
        level: "INFO",
        message: "Removed from the queue and canceled; it never started.",
      },
    );
    return canceled ? "canceled" : "not_queued";
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
    let priority: number;
    if ("priority" in change) priority = change.priority;
    else if (this.#store.firstQueued()?.id === runId) priority = queued.priority;
    else priority = (this.#store.topPriority() ?? 0) + 1;
    const tags = { ...queued.tags, [TAG.priority]: String(priority) };
    if (!(await saveRunPriority(openDatabase(this.env.DB), runId, priority, tags, Date.now()))) return null;
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
    this.#config = null;
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

  /** A step claims a slot of its op's pool before it starts; may wait for one (pool-slots.ts). */
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
    return this.#pools.list((await this.#loadConfig()).concurrency.pools, named, Date.now());
  }

  async pool(name: string) {
    return this.#pools.pool(name, (await this.#loadConfig()).concurrency.pools, Date.now());
  }

  /** Waits until no launch is under way (tests, the bench, and a cancel racing a launch). */
  async settle(): Promise<void> {
    while (this.#launching.size > 0) await Promise.allSettled([...this.#launching.values()]);
  }

  /** Heals the object from D1 (DESIGN §2): frees slots of runs that ended unseen, adopts runs it never heard of. */
  async reconcile(): Promise<void> {
    this.#config = null;
    const db = openDatabase(this.env.DB);
    const inD1 = await db
      .select({ id: runs.id, tags: runs.tags, since: runs.updatedAt })
      .from(runs)
      .where(inArray(runs.status, [...IN_PROGRESS_STATUSES]));
    const { free, adopt } = reconcileInProgress(this.#store.inProgress(), inD1, new Set(this.#launching.keys()));
    this.#store.free(free);
    for (const run of adopt) this.#store.adopt(run);
    const queuedInD1 = await db
      .select({ id: runs.id, tags: runs.tags, createdAt: runs.createdAt })
      .from(runs)
      .where(inArray(runs.status, ["QUEUED"]))
      .orderBy(runs.createdAt)
      .limit(ADOPT_PAGE);
    const base = this.env.PUBLIC_URL?.replace(/\/+$/, "");
    for (const run of queuedInD1) {
      const eventsUrl = this.#store.eventsUrlFor(run.id, base);
      if (eventsUrl && !this.#launching.has(run.id))
        this.#store.enqueue({ ...run, enqueuedAt: run.createdAt, eventsUrl });
    }
    await this.#admit();
  }

  /** The daemon's sensors pass should run at or before `at` (a sensor due between cron minutes, issue 6). */
  async wakeDaemonAt(at: number): Promise<void> {
    this.#alarmPlan.requestSensors(at);
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    // Pool leases that ran out are freed on every alarm, whoever it was armed for (pool-slots.ts).
    await this.#pools.expire((await this.#loadConfig()).concurrency.pools, now);
    const due = this.#alarmPlan.takeDue(now);
    if (due.sensors) this.ctx.waitUntil(this.#runSensors(now));
    if (!due.coordinator) return this.#arm();
    const config = await this.#runCoordinatorConfig();
    for (const run of this.#store.inProgress()) {
      if (run.state === "retry_wait" && run.retryAt !== null && run.retryAt <= now && !this.#launching.has(run.id)) {
        this.#dispatch(run.id, run.attempt, run.eventsUrl ?? "", null, config);
      }
    }
    await this.reconcile();
    // Run monitoring between the daemon's one-minute ticks (issue 6); in the background, never throws.
    this.ctx.waitUntil(monitorFromCoordinatorAlarm(this.env, now));
  }

  /** The sensors pass in the background (it never throws), then the alarm re-armed for the next due sensor. */
  async #runSensors(now: number): Promise<void> {
    this.#alarmPlan.sensorsPassed(await sensorsFromCoordinatorAlarm(this.env, now));
    await this.#arm();
  }

  async #loadConfig(): Promise<InstanceConfig> {
    this.#config ??= (await loadInstanceConfig(this.env)).config;
    return this.#config;
  }

  async #runCoordinatorConfig(): Promise<RunCoordinatorConfig> {
    return (await this.#loadConfig()).run_coordinator;
  }

  /** One admission pass (admission-pass.ts), then the launches it chose. Synchronous once the config is known. */
  async #admit(): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    for (const run of runAdmissionPass(this.#store, config, Date.now())) {
      this.#dispatch(run.id, 1, run.eventsUrl, run.enqueuedAt, config);
    }
    await this.#arm();
  }

  /** Carries out one launch attempt in the background; the outcome frees the slot, schedules a retry, or keeps the run. */
  #dispatch(
    runId: string,
    attempt: number,
    eventsUrl: string,
    queuedAt: number | null,
    config: RunCoordinatorConfig,
    fresh?: FreshRun & { onFailed: (err: unknown) => void },
  ) {
    let claimed = fresh === undefined;
    const work = (async () => {
      const db = openDatabase(this.env.DB);
      const timeoutMs = ((await this.#loadConfig()).run_launcher.request_timeout_seconds ?? 30) * 1000;
      const ctx = { db, launcher: new HttpRunLauncher(db, { timeoutMs }), now: () => Date.now() };
      if (attempt > 1) this.#store.setInProgressState(runId, "launching", attempt);
      const onClaimed = () => {
        claimed = true;
        fresh?.onClaimed();
      };
      const result = await attemptLaunch(ctx, {
        runId,
        attempt,
        eventsUrl,
        queuedAt,
        fresh: fresh && { ...fresh, onClaimed },
      });
      if (!this.#store.getInProgress(runId)) return; // it ended (and was freed) while launching
      if (result.kind === "launched") {
        this.#store.setInProgressState(runId, "launched", attempt);
        return;
      }
      if (result.kind === "not_ours") {
        if (attempt > 1 && result.status === "CANCELING")
          await cancelBeforeRetry(db, { id: runId, attempt: 1 }, Date.now());
        if (!(attempt > 1 && result.status === "STARTED")) this.#store.free([runId]);
        await this.#admit();
        return;
      }
      const now = Date.now();
      const decision = decideLaunchFailure(attempt, config.launch_retries, now);
      if (decision.kind === "retry") {
        await logLaunchRetry(db, result.run, result.reason, decision.attempt, decision.at, now);
        this.#store.setInProgressState(runId, "retry_wait", decision.attempt, decision.at);
        await this.#arm();
        return;
      }
      await failLaunch(db, result.run, result.reason, decision.attempts, now);
      this.#store.free([runId]);
      await this.#admit();
    })()
      .catch((err: unknown) => {
        // A new run's store-and-claim batch failed: D1 has nothing of it; the submit fails, the slot frees.
        if (!claimed && fresh) {
          this.#store.free([runId]);
          fresh.onFailed(err);
          return;
        }
        // D1 or the launcher threw: the run's state is unknown here; reconciliation settles it from D1.
        console.error(`run coordinator: launch of ${runId} (attempt ${attempt}) failed unexpectedly:`, err);
        this.#store.setInProgressState(runId, "launched", attempt);
      })
      .finally(() => {
        this.#launching.delete(runId);
        fresh?.onClaimed(); // settled anyway (not claimed: freed as not ours)
      });
    this.#launching.set(runId, work);
    this.ctx.waitUntil(work);
  }

  /** Re-arms the one alarm: never later than it already is, so steady traffic cannot starve reconciliation. */
  async #arm(): Promise<void> {
    const retryTimes = this.#store
      .inProgress()
      .flatMap((run) => (run.state === "retry_wait" && run.retryAt !== null ? [run.retryAt] : []));
    const next = nextAlarmAt({ retryTimes, holdsWork: this.#store.holdsWork(), now: Date.now() });
    this.#alarmPlan.planCoordinator(next);
    const at = this.#alarmPlan.nextAlarmAt(); // the earlier of that and the daemon's next due sensor
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }
}
