/**
 * The RunCoordinator Durable Object (DESIGN.md §2), one per deployment (`idFromName("default")`):
 * the only place admission is decided, so decisions are serialized without locks. Dagster's
 * QueuedRunCoordinatorDaemon, but event-driven: every submit, run end, limit change, priority
 * change and resume runs an admission pass at once. Its one alarm re-sends launches a restart cut
 * off, admits runs whose code location pause ended, frees expired pool leases, notices agents that
 * stopped pinging, heals the object from D1 and runs the daemon's monitoring and sensors passes
 * between cron minutes (alarm-plan.ts).
 *
 * Thin on purpose: state lives in its SQLite stores, decisions in queue/ (admission-pass.ts),
 * pools/, agents/ and coordinator-decisions.ts; launches are carried out by launch-attempts.ts;
 * dependencies come from object-wiring.ts and time from one clock. A launch is guarded by the
 * conditional QUEUED → STARTING in D1, so nothing launches twice, even across a restart.
 */
import { runMonitoringBetweenTicks, runSensorsBetweenTicks } from "../daemon/daemon";
import { publicBaseUrl } from "../wiring";
import { AgentFacingObject } from "./agents/agent-facing-object";
import { CoordinatorAgents } from "./agents/coordinator-agents";
import { type Clock, readThrough, systemClock } from "./clock";
import { interruptedLaunches } from "./coordinator-decisions";
import type { CoordinatorRpc, EnqueueInput, PriorityChange, QueueSnapshot, SubmitInput } from "./coordinator-rpc";
import { LaunchAttempts } from "./launch-attempts";
import { cancelQueuedRun, launchOf, storeQueuedRun } from "./launch-dispatch";
import { LaunchTokens } from "./launch-tokens";
import { ObjectAlarm } from "./object-alarm";
import { ObjectWiring } from "./object-wiring";
import { type PoolClaimInput, PoolSlots } from "./pools/pool-slots";
import { type AdmissionConfig, runAdmissionPass } from "./queue/admission-pass";
import { LocationPauseStore } from "./queue/location-pause-store";
import { changeQueuedPriority } from "./queue/priority-change";
import { QueueStore } from "./queue/queue-store";
import { reconcileWithD1 } from "./reconcile";

export class RunCoordinator extends AgentFacingObject implements CoordinatorRpc {
  /** The object's one clock, read by all it built (`#time`); a workerd test sets its own through `runInDurableObject`. */
  clock: Clock = systemClock;
  readonly #time = readThrough(() => this.clock);
  readonly #store = new QueueStore(this.ctx.storage);
  readonly #pools = new PoolSlots(this.ctx.storage, this.#time);
  /** Code locations whose runs wait after a launch could not reach them. */
  readonly #pauses = new LocationPauseStore(this.ctx.storage);
  readonly #alarm = new ObjectAlarm(this.ctx, this.#time);
  readonly #launches: LaunchAttempts;
  readonly #wiring: ObjectWiring;
  readonly #db = async () => (await this.#wiring.deps()).db;
  readonly #poolLimits = async () => (await this.#wiring.config()).concurrency.pools;
  /** Agents' sockets, capacity and placements (agents/coordinator-agents.ts); the sockets' entry points are AgentFacingObject's. */
  protected readonly agentHub: CoordinatorAgents;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.agentHub = new CoordinatorAgents(ctx, this.#time, {
      deps: () => this.#wiring.deps(),
      inBackground: (work) => this.#alarm.inBackground(work),
      admit: () => this.#admit(),
    });
    this.#wiring = new ObjectWiring(env, this.#time, this.agentHub);
    this.#launches = new LaunchAttempts({
      store: this.#store,
      pauses: this.#pauses,
      tokens: new LaunchTokens(ctx.storage),
      clock: this.#time,
      deps: () => this.#wiring.deps(),
      waitUntil: (work) => ctx.waitUntil(work),
      admit: () => this.#admit(),
    });
    void ctx.blockConcurrencyWhile(async () => {
      // Launches cut off by the restart are re-sent by the alarm (`interruptedLaunches`).
      if (this.#store.holdsWork()) await ctx.storage.setAlarm(this.#time.now());
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
  async submit({ run, eventsUrl, endpoint, firstStepPools }: SubmitInput): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    const entry = { id: run.id, tags: run.tags, enqueuedAt: run.created_at, eventsUrl, location: run.location };
    if (!this.#store.enqueue(entry)) return; // a repeated call: the run is known already
    this.#pools.noteNeeds(run.id, firstStepPools);
    const admitted = this.#admissionPass(config);
    for (const next of admitted) if (next.id !== run.id) void this.#launches.start(launchOf(next), config);
    if (!admitted.some((next) => next.id === run.id)) {
      this.#store.removeQueued(run.id); // out of the queue until D1 has it
      await storeQueuedRun((await this.#wiring.deps()).db, run);
      return this.enqueue(entry);
    }
    try {
      await this.#launches.start(launchOf(entry), config, { run, endpoint });
    } catch (err) {
      await this.#admit(); // its slot is free again
      throw err;
    }
    await this.#arm();
  }

  /** Removes a queued run and cancels it; "not_queued" when it is not in the queue (any launch of it has finished). */
  async cancelQueued(runId: string): Promise<"canceled" | "not_queued"> {
    const inFlight = this.#launches.inFlight(runId);
    if (inFlight) await inFlight;
    if (!this.#store.removeQueued(runId)) return "not_queued";
    this.#pools.releaseRuns([runId]);
    return (await cancelQueuedRun(await this.#db(), runId, this.#time.now())) ? "canceled" : "not_queued";
  }

  /** Runs reached a terminal status: free their slots and admit. */
  async runsEnded(runIds: readonly string[]): Promise<void> {
    this.#pools.releaseRuns(runIds);
    this.agentHub.release(runIds);
    if (this.#store.free(runIds) > 0) await this.#admit();
  }

  /** The new priority, or null when the run is not queued. */
  async setPriority(runId: string, change: PriorityChange): Promise<number | null> {
    const priority = await changeQueuedPriority(this.#store, this.#db, runId, change, this.#time.now());
    if (priority !== null) await this.#admit();
    return priority;
  }

  async setPaused(paused: boolean): Promise<void> {
    this.#store.setPaused(paused);
    if (!paused) await this.#admit();
  }

  /** The instance config changed (PATCH /api/instance): read it again and admit under the new limits. */
  async configChanged(): Promise<void> {
    this.#wiring.forget();
    this.#pools.wakeAll();
    await this.#admit();
  }

  async snapshot(offset: number, limit: number): Promise<QueueSnapshot> {
    const config = await this.#wiring.config();
    const [queued, inProgress] = [this.#store.queuedPage(offset, limit), this.#store.inProgress()];
    return {
      config,
      paused: this.#store.isPaused(),
      totalQueued: this.#store.countQueued(),
      queued,
      inProgress,
      locationPauses: this.#pauses.list(),
      agentCapacity: this.agentHub.capacities(inProgress, this.#time.now()),
      poolGate: this.#pools.gateView(config, queued, inProgress, this.#time.now()),
    };
  }

  /** A step claims a slot of its op's pool before it starts; may wait for one (pools/pool-slots.ts). */
  async claimPoolSlot(claim: PoolClaimInput) {
    return this.#pools.claim(claim, this.#poolLimits);
  }

  async renewPoolSlots(runId: string, stepKeys: string[]) {
    return this.#pools.renew(runId, stepKeys, await this.#poolLimits());
  }

  /** A slot freed may let a run waiting for its pool launch (queue/op-concurrency.ts). */
  async releasePoolSlot(runId: string, stepKey: string): Promise<boolean> {
    const released = this.#pools.release(runId, stepKey);
    if (released) await this.#admit();
    return released;
  }

  /** Every known pool (`named`: those the definitions' ops name), or one, with limits, holders and waiting claims. */
  async pools(named: string[]) {
    return this.#pools.list(await this.#poolLimits(), named, this.#time.now());
  }

  async pool(name: string) {
    return this.#pools.pool(name, await this.#poolLimits(), this.#time.now());
  }

  /** Waits until no launch and no pass the alarm started is under way (tests, the bench, and a cancel racing a launch). */
  async settle(): Promise<void> {
    const underWay = () => [...this.#launches.underWay(), ...this.#alarm.passes()];
    for (let work = underWay(); work.length > 0; work = underWay()) await Promise.allSettled(work);
  }

  /** Heals the object from D1 (DESIGN §2): frees slots of runs that ended unseen, adopts runs it never heard of. */
  async reconcile(): Promise<void> {
    this.#wiring.forget();
    await reconcileWithD1(this.#store, await this.#db(), this.#launches, publicBaseUrl(this.env) ?? undefined);
    await this.#admit();
  }

  /** The daemon's sensors pass should run at or before `at` (a sensor due between cron minutes). */
  async wakeDaemonAt(at: number): Promise<void> {
    this.#alarm.plan.requestSensors(at);
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    const now = this.#time.now();
    // Pool leases that ran out are freed on every alarm, whoever it was armed for (pools/pool-slots.ts).
    if (await this.#pools.expire(await this.#poolLimits(), now)) await this.#admit();
    this.agentHub.checkPings(now);
    if (!this.#alarm.plan.isDue(now)) return this.#arm(); // armed for the agents' pings only
    const due = this.#alarm.plan.takeDue(now);
    if (due.sensors) this.#alarm.inBackground(this.#runSensors(now));
    if (!due.coordinator) return this.#arm();
    const config = await this.#runCoordinatorConfig();
    for (const launch of interruptedLaunches(this.#store.inProgress(), this.#launches.runIds()))
      void this.#launches.start(launch, config);
    await this.reconcile();
    // Run monitoring between the daemon's one-minute ticks; in the background, never throws.
    this.#alarm.inBackground(runMonitoringBetweenTicks(await this.#wiring.deps(), now));
  }

  /** The sensors pass in the background (it never throws), then the alarm re-armed for the next due sensor. */
  async #runSensors(now: number): Promise<void> {
    this.#alarm.plan.sensorsPassed(await runSensorsBetweenTicks(await this.#wiring.deps(), now));
    await this.#arm();
  }

  async #runCoordinatorConfig(): Promise<AdmissionConfig> {
    const { run_coordinator, concurrency } = await this.#wiring.config();
    return { ...run_coordinator, pools: concurrency.pools };
  }

  /** One admission pass (queue/admission-pass.ts), then the launches it chose. Synchronous once the config is known. */
  async #admit(): Promise<void> {
    const config = await this.#runCoordinatorConfig();
    for (const run of this.#admissionPass(config)) void this.#launches.start(launchOf(run), config);
    await this.#arm();
  }

  /** One admission pass, skipping the runs of code locations that could not be reached lately and those waiting for pools. */
  #admissionPass(config: AdmissionConfig) {
    const now = this.#time.now();
    const pools = this.#pools.gate(config, this.#store.inProgress(), now);
    const agents = this.agentHub.capacityFor(this.#store.inProgress(), now);
    const admitted = runAdmissionPass(this.#store, config, now, this.#pauses.pausedAt(now), pools, agents);
    this.agentHub.placeAdmitted(admitted, now);
    return admitted;
  }

  async #arm(): Promise<void> {
    const now = this.#time.now();
    await this.#alarm.arm(this.#store, this.#pauses.nextEnd(now));
    await this.#alarm.armAt(this.agentHub.nextPingCheckAt(now));
  }
}
