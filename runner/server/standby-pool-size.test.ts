import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  currentBootMs,
  decideStandbyPoolSize,
  defaultMaxStandbyWorkers,
  nextBootEstimate,
  peakLaunchesPerSpan,
  readStandbyWindowMs,
  replacementHoldMs,
} from "./standby-pool-size";

const settings = { min: 1, max: 4, windowMs: 10_000 };
const NOW = 100_000;

describe("the standby pool's size", () => {
  it("keeps the floor while nothing was launched", () => {
    expect(decideStandbyPoolSize([], NOW, 300, settings)).toEqual({ target: 1, recheckAt: null });
    expect(decideStandbyPoolSize([], NOW, 300, { ...settings, min: 2 }).target).toBe(2);
  });

  it("holds a replacement back for at most one boot time", () => {
    expect(replacementHoldMs(300)).toBe(300);
  });

  it("keeps one spare for launches further apart than a replacement's hold and boot", () => {
    const spaced = [NOW - 2000, NOW - 1400, NOW - 800, NOW - 200];
    expect(decideStandbyPoolSize(spaced, NOW, 300, settings).target).toBe(1);
  });

  it("keeps one more spare than the launches that fall within one hold and boot of each other", () => {
    // Every 150 ms with a 150 ms boot (a 300 ms lag): the replacements of the last two launches are not ready.
    const backToBack = [NOW - 600, NOW - 450, NOW - 300, NOW - 150, NOW];
    expect(decideStandbyPoolSize(backToBack, NOW, 150, settings).target).toBe(2);
    expect(decideStandbyPoolSize(backToBack, NOW, 350, settings).target).toBe(4);
  });

  it("never goes above the ceiling, however dense the burst", () => {
    const burst = Array.from({ length: 20 }, (_, i) => NOW - i);
    expect(decideStandbyPoolSize(burst, NOW, 300, settings).target).toBe(4);
  });

  it("falls back to the floor once the last launch has left the window, and says when to look again", () => {
    const burst = [NOW - 30, NOW - 20, NOW - 10];
    expect(decideStandbyPoolSize(burst, NOW, 300, settings)).toEqual({ target: 3, recheckAt: NOW - 30 + 10_000 });
    expect(decideStandbyPoolSize(burst, NOW + 9_969, 300, settings).target).toBe(3);
    expect(decideStandbyPoolSize(burst, NOW + 9_970, 300, settings).target).toBe(2);
    expect(decideStandbyPoolSize(burst, NOW + 9_990, 300, settings)).toEqual({ target: 1, recheckAt: null });
  });

  it("keeps none with a floor and ceiling of 0", () => {
    expect(decideStandbyPoolSize([NOW - 1, NOW], NOW, 300, { ...settings, min: 0, max: 0 }).target).toBe(0);
    expect(defaultMaxStandbyWorkers(0)).toBe(0);
    expect(defaultMaxStandbyWorkers(1)).toBe(4);
    expect(defaultMaxStandbyWorkers(6)).toBe(6);
  });

  it("counts the busiest boot-time span, each launch with those just before it", () => {
    expect(peakLaunchesPerSpan([], 300)).toBe(0);
    expect(peakLaunchesPerSpan([0, 300, 600], 300)).toBe(1);
    expect(peakLaunchesPerSpan([0, 299, 1000, 1001, 1002], 300)).toBe(3);
    expect(peakLaunchesPerSpan([5, 5, 5], 0)).toBe(1);
  });

  it("takes a spare still booting as proof that a boot takes at least its age", () => {
    expect(currentBootMs(300, [], NOW)).toBe(300);
    expect(currentBootMs(300, [NOW - 100, NOW - 800], NOW)).toBe(800);
  });

  it("moves the boot estimate part of the way towards each sample and ignores nonsense", () => {
    expect(nextBootEstimate(300, 400)).toBeCloseTo(330);
    expect(nextBootEstimate(300, Number.NaN)).toBe(300);
    expect(nextBootEstimate(300, -5)).toBe(300);
  });

  it("reads its window from FLIGHTDECK_STANDBY_WINDOW_SECONDS, 10 s when unset or not a positive number", () => {
    expect(readStandbyWindowMs({ FLIGHTDECK_STANDBY_WINDOW_SECONDS: "2.5" })).toBe(2500);
    expect(readStandbyWindowMs({})).toBe(10_000);
    expect(readStandbyWindowMs({ FLIGHTDECK_STANDBY_WINDOW_SECONDS: "-1" })).toBe(10_000);
    expect(readStandbyWindowMs({ FLIGHTDECK_STANDBY_WINDOW_SECONDS: "soon" })).toBe(10_000);
  });
});

const arbSettings = fc
  .record({ min: fc.integer({ min: 0, max: 8 }), extra: fc.integer({ min: 0, max: 8 }) })
  .map(({ min, extra }) => ({ min, max: min + extra, windowMs: 10_000 }));
const arbLaunches = fc.array(fc.integer({ min: NOW - 15_000, max: NOW }), { maxLength: 40 });
const arbBoot = fc.integer({ min: 0, max: 3000 });

describe("the standby pool's size, for any launches", () => {
  it("stays between the floor and the ceiling", () => {
    fc.assert(
      fc.property(arbLaunches, arbBoot, arbSettings, (launches, boot, s) => {
        const { target } = decideStandbyPoolSize(launches, NOW, boot, s);
        expect(target).toBeGreaterThanOrEqual(s.min);
        expect(target).toBeLessThanOrEqual(s.max);
      }),
    );
  });

  it("never shrinks when launches come faster (the same launches squeezed towards now) or boots take longer", () => {
    fc.assert(
      fc.property(
        arbLaunches,
        arbBoot,
        arbSettings,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (launches, boot, s, k) => {
          const squeezed = launches.map((t) => NOW - Math.floor((NOW - t) * k));
          const slow = decideStandbyPoolSize(launches, NOW, boot, s).target;
          expect(decideStandbyPoolSize(squeezed, NOW, boot, s).target).toBeGreaterThanOrEqual(slow);
          expect(decideStandbyPoolSize(launches, NOW, boot + 100, s).target).toBeGreaterThanOrEqual(slow);
        },
      ),
    );
  });

  it("never shrinks when one more launch comes", () => {
    fc.assert(
      fc.property(
        arbLaunches,
        fc.integer({ min: NOW - 15_000, max: NOW }),
        arbBoot,
        arbSettings,
        (launches, extra, boot, s) => {
          const before = decideStandbyPoolSize(launches, NOW, boot, s).target;
          expect(decideStandbyPoolSize([...launches, extra], NOW, boot, s).target).toBeGreaterThanOrEqual(before);
        },
      ),
    );
  });

  it("is back at the floor one window after the last launch, and recheckAt comes no later", () => {
    fc.assert(
      fc.property(arbLaunches, arbBoot, arbSettings, (launches, boot, s) => {
        const { recheckAt } = decideStandbyPoolSize(launches, NOW, boot, s);
        const last = Math.max(NOW - s.windowMs, ...launches);
        if (recheckAt !== null) expect(recheckAt).toBeLessThanOrEqual(last + s.windowMs);
        expect(decideStandbyPoolSize(launches, last + s.windowMs, boot, s)).toEqual({ target: s.min, recheckAt: null });
      }),
    );
  });
});
