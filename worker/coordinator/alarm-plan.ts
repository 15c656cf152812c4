/**
 * The RunCoordinator's one alarm serves two masters (DESIGN.md §6): the coordinator's own duties
 * (re-sent launches, the end of a code location pause, reconciliation with D1, and the run
 * monitoring pass that rides along) and the
 * daemon's sensors pass, due whenever the earliest RUNNING sensor's interval has passed
 * (sensor-timing.ts). This remembers when each is due, so the alarm is armed for the earlier, and
 * a sensor waking the object every few seconds neither runs the coordinator's duties each time nor
 * pushes them back (each keeps its own due time, "never later than it already is").
 *
 * Memory only, on purpose: after a restart both are "unknown", which the next alarm treats as
 * due — one extra reconciliation and one sensors pass, which reports the next due time. The alarm
 * itself is durable, so an evicted object is still woken.
 */

/** undefined: not known since the object started (due at the next alarm); null: nothing pending. */
type Due = number | null | undefined;

const earlier = (a: Due, b: number): number => (a === null || a === undefined ? b : Math.min(a, b));

export class AlarmPlan {
  #coordinatorAt: Due = undefined;
  #sensorsAt: Due = undefined;

  /** The coordinator wants its alarm at `at` (its nextAlarmAt), or has nothing pending (null). */
  planCoordinator(at: number | null): void {
    if (at !== null) this.#coordinatorAt = earlier(this.#coordinatorAt, at);
    else if (this.#coordinatorAt === undefined) this.#coordinatorAt = null;
  }

  /** The sensors pass should run at or before `at`. */
  requestSensors(at: number): void {
    this.#sensorsAt = earlier(this.#sensorsAt, at);
  }

  /** A sensors pass finished: `next` is when a sensor is next due (null: none runs). */
  sensorsPassed(next: number | null): void {
    if (next !== null) this.requestSensors(next);
  }

  /**
   * Which duties are due at `now`; each one taken is forgotten until planned again. The
   * coordinator's duties are skipped only on an alarm that was armed for a sensor: one for which
   * neither is known to be due (fired early, as tests do; the first after a restart) runs them,
   * as the alarm did before sensors shared it — always safe.
   */
  takeDue(now: number): { coordinator: boolean; sensors: boolean } {
    const sensorsArmed = typeof this.#sensorsAt === "number" && this.#sensorsAt <= now;
    const sensors = sensorsArmed || this.#sensorsAt === undefined;
    const coordinator =
      !sensorsArmed ||
      this.#coordinatorAt === undefined ||
      (this.#coordinatorAt !== null && this.#coordinatorAt <= now);
    if (coordinator) this.#coordinatorAt = null;
    if (sensors) this.#sensorsAt = null;
    return { coordinator, sensors };
  }

  /** When the alarm should fire: the earlier of the two, or null when neither is pending. */
  /** Whether a duty of either is due at `now` (unknown counts as due): if not, the alarm was for something else (agents' pings). */
  isDue(now: number): boolean {
    return [this.#coordinatorAt, this.#sensorsAt].some((t) => t === undefined || (typeof t === "number" && t <= now));
  }

  nextAlarmAt(): number | null {
    const times = [this.#coordinatorAt, this.#sensorsAt].filter((t): t is number => typeof t === "number");
    return times.length === 0 ? null : Math.min(...times);
  }
}
