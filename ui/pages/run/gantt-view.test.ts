import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FULL_VIEW, MIN_WIDTH, panView, positionIn, zoomView } from "./gantt-view";

describe("the Gantt chart's window", () => {
  it("zooms in around the centre by default, and back out to the whole run", () => {
    const zoomed = zoomView(FULL_VIEW, 2);
    expect(zoomed).toEqual({ from: 0.25, width: 0.5 });
    expect(zoomView(zoomed, 0.5)).toEqual(FULL_VIEW);
  });

  it("keeps the point under the pointer in place", () => {
    const zoomed = zoomView(FULL_VIEW, 4, 0.8);
    expect(zoomed.from + 0.8 * zoomed.width).toBeCloseTo(0.8);
  });

  it("pans by a share of the window and stops at the run's ends", () => {
    const zoomed = zoomView(FULL_VIEW, 4, 0);
    expect(panView(zoomed, 1)).toEqual({ from: 0.25, width: 0.25 });
    expect(panView(zoomed, -1)).toEqual(zoomed);
    expect(panView(zoomed, 100).from).toBe(0.75);
  });

  it("places times across the visible window", () => {
    expect(positionIn({ from: 0.5, width: 0.5 }, 1000, 100, 1075)).toBe(0.5);
  });

  it("never leaves the run nor zooms past its limit, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: 0, max: 1 })), // NaN included: a pointer over a chart of no width
        ),
        (ops) => {
          let view = FULL_VIEW;
          for (const [zoom, amount, anchor] of ops) {
            view = zoom ? zoomView(view, amount, anchor) : panView(view, anchor * 2 - 1);
            expect(view.width).toBeGreaterThanOrEqual(MIN_WIDTH);
            expect(view.width).toBeLessThanOrEqual(1);
            expect(view.from).toBeGreaterThanOrEqual(0);
            expect(view.from + view.width).toBeLessThanOrEqual(1 + 1e-9);
          }
        },
      ),
    );
  });
});
