/**
 * The run coordinator object's one alarm in storage: armed for the earlier of the coordinator's
 * next duty and the daemon's next due sensor (alarm-plan.ts), and the daemon passes the alarm
 * starts in the background, tracked so `settle` can wait for them.
 */
import { AlarmPlan } from "./alarm-plan";
import type { Clock } from "./clock";
import { nextAlarmAt } from "./coordinator-decisions";

/** What the alarm reads of the queue: whether any work is held. */
type HeldWork = { holdsWork(): boolean };

export class ObjectAlarm {
  readonly plan = new AlarmPlan();
  readonly #passes = new Set<Promise<void>>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly clock: Clock,
  ) {}

  /**
   * Re-arms the one alarm, for `pauseEnd` (a code location's runs may launch again) or the next
   * reconciliation: never later than it already is, so steady traffic cannot starve reconciliation.
   */
  async arm(queue: HeldWork, pauseEnd: number | null): Promise<void> {
    const now = this.clock.now();
    const pauseEnds = pauseEnd === null ? [] : [pauseEnd];
    this.plan.planCoordinator(nextAlarmAt({ pauseEnds, holdsWork: queue.holdsWork(), now }));
    const at = this.plan.nextAlarmAt(); // the earlier of that and the daemon's next due sensor
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  /** Also wakes the object at `at` (an agents' ping check), never later than it is armed already. */
  async armAt(at: number | null): Promise<void> {
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
