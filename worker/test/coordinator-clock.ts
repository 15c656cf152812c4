/**
 * Time in the run coordinator object moved by hand, the way miniflare's `Timers` let its own
 * tests: a test gives the object a ManualClock through `runInDurableObject` (the object's `clock`)
 * and moves it on with `advance`, instead of sleeping until the wall clock gets there.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach } from "vitest";
import { type Clock, systemClock } from "../coordinator/clock";
import { coordinatorStub } from "../coordinator/coordinator-stub";
import type { RunCoordinator } from "../coordinator/run-coordinator.do";

/**
 * How far ahead of the wall clock a manual clock starts. The alarms the object arms by it then lie
 * that far in workerd's future, so workerd never fires one on its own in the middle of a test: the
 * test runs it (`runDurableObjectAlarm`). Well under run monitoring's 180 s start timeout, so an
 * alarm does not time out the runs a test leaves STARTING.
 */
const AHEAD_OF_WALL_MS = 60_000;

export class ManualClock implements Clock {
  #now: number;
  #nextId = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.now() + AHEAD_OF_WALL_MS) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = ++this.#nextId;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Moves time on by `ms` and runs the timers that came due, earliest first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = [...this.#timers].filter(([, timer]) => timer.at <= this.#now).sort(([, a], [, b]) => a.at - b.at);
    for (const [id, timer] of due) {
      this.#timers.delete(id);
      timer.callback();
    }
  }
}

async function setCoordinatorClock(clock: Clock): Promise<void> {
  await runInDurableObject(coordinatorStub(env), (instance) => {
    (instance as unknown as RunCoordinator).clock = clock;
  });
}

/**
 * For the tests of a file that move the object's time: `manualClock()` gives the object a new
 * ManualClock and returns it; after each test the object runs on the wall clock again.
 */
export function useCoordinatorClock(): { manualClock: () => Promise<ManualClock> } {
  afterEach(async () => {
    await setCoordinatorClock(systemClock);
  });
  return {
    manualClock: async () => {
      const clock = new ManualClock();
      await setCoordinatorClock(clock);
      return clock;
    },
  };
}
