/**
 * The run coordinator object's one alarm in storage: armed for the earlier of the coordinator's
 * next duty and the daemon's next due sensor (alarm-plan.ts), and the daemon passes the alarm
 * starts in the background, tracked so `settle` can wait for them.
 */
import { AlarmPlan } from "./alarm-plan";
import type { Clock } from "./clock";
import { nextAlarmAt, type RetryingRun, retryTimesOf } from "./coordinator-decisions";

/** What the alarm reads of the queue: the runs in progress (their retry times) and whether any work is held. */
type HeldWork = { inProgress(): readonly RetryingRun[]; holdsWork(): boolean };

export class ObjectAlarm {
  readonly plan = new AlarmPlan();
  readonly #passes = new Set<Promise<void>>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly clock: Clock,
  ) {}

  /** Re-arms the one alarm: never later than it already is, so steady traffic cannot starve reconciliation. */
  async arm(queue: HeldWork): Promise<void> {
    const now = this.clock.now();
    const retryTimes = retryTimesOf(queue.inProgress());
    this.plan.planCoordinator(nextAlarmAt({ retryTimes, holdsWork: queue.holdsWork(), now }));
    const at = this.plan.nextAlarmAt(); // the earlier of that and the daemon's next due sensor
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  /** Runs a daemon pass (one that never throws) in the background, kept alive and tracked. */
  inBackground(pass: Promise<void>): void {
    const tracked = pass.finally(() => this.#passes.delete(tracked));
    this.#passes.add(tracked);
    this.ctx.waitUntil(tracked);
  }

  /** The passes still running. */
  passes(): Promise<void>[] {
    return [...this.#passes];
  }
}
