/**
 * Time as the run coordinator Durable Object reads it: the current time and the timers it waits
 * on, behind one object (miniflare's `Timers`, for the same reason). workerd constructs the object,
 * so a test cannot hand it a clock; it sets the object's `clock` through `runInDurableObject`
 * instead, and everything the object built reads the new clock at once (`readThrough`).
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The wall clock and the runtime's timers: what the object runs on in production. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock that reads whichever clock `current()` names at each call, so the owner can swap it for all. */
export function readThrough(current: () => Clock): Clock {
  return {
    now: () => current().now(),
    setTimeout: (callback, ms) => ({ clock: current(), handle: current().setTimeout(callback, ms) }),
    clearTimeout: (timer) => {
      const { clock, handle } = timer as { clock: Clock; handle: unknown };
      clock.clearTimeout(handle);
    },
  };
}
