import { describe, expect, it } from "vitest";
import { placeTicks } from "./tick-axis";

const H = 3_600_000;

describe("placeTicks", () => {
  it("spans from the oldest tick to now, the newest tick at the right end", () => {
    const now = 10 * H;
    expect(placeTicks([{ at: 10 * H }, { at: 8 * H }, { at: 6 * H }], now)).toEqual({
      start: 6 * H,
      end: 10 * H,
      at: [100, 50, 0],
    });
  });

  it("is at least an hour wide, so ticks a minute apart stay apart by their minute", () => {
    const now = 10 * H;
    const { start, at } = placeTicks([{ at: now - 60_000 }], now);
    expect(start).toBe(now - H);
    expect(at[0]).toBeCloseTo((59 / 60) * 100);
  });

  it("keeps a tick stamped after now (a clock ahead) on the axis", () => {
    const { end, at } = placeTicks([{ at: 5 * H }], 4 * H);
    expect(end).toBe(5 * H);
    expect(at).toEqual([100]);
  });
});
