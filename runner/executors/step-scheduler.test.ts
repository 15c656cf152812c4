import { describe, expect, it } from "vitest";
import { resolveMaxConcurrent, type SchedulableStep, selectStepsToStart } from "./step-scheduler";

const step = (key: string, tags: Record<string, string> = {}): SchedulableStep => ({ key, tags });
const keys = (steps: SchedulableStep[]) => steps.map((s) => s.key);

describe("selectStepsToStart", () => {
  it("fills up to max_concurrent in the given order", () => {
    const ready = ["a", "b", "c", "d", "e"].map((k) => step(k));
    expect(keys(selectStepsToStart({ maxConcurrent: 4, tagConcurrencyLimits: [] }, [], ready))).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(
      keys(selectStepsToStart({ maxConcurrent: 4, tagConcurrencyLimits: [] }, [step("x"), step("y")], ready)),
    ).toEqual(["a", "b"]);
    expect(
      keys(selectStepsToStart({ maxConcurrent: 2, tagConcurrencyLimits: [] }, [step("x"), step("y")], ready)),
    ).toEqual([]);
  });

  it("applies a key limit to steps whose op has the tag, whatever its value", () => {
    const limits = { maxConcurrent: 10, tagConcurrencyLimits: [{ key: "db", limit: 1 }] };
    const ready = [step("a", { db: "x" }), step("b", { db: "y" }), step("c")];
    expect(keys(selectStepsToStart(limits, [], ready))).toEqual(["a", "c"]);
    expect(keys(selectStepsToStart(limits, [step("r", { db: "z" })], ready))).toEqual(["c"]);
  });

  it("applies a value limit only to that value, and a per-unique-value limit to each value apart", () => {
    const byValue = { maxConcurrent: 10, tagConcurrencyLimits: [{ key: "db", value: "x", limit: 1 }] };
    expect(
      keys(selectStepsToStart(byValue, [], [step("a", { db: "x" }), step("b", { db: "x" }), step("c", { db: "y" })])),
    ).toEqual(["a", "c"]);
    const perValue = {
      maxConcurrent: 10,
      tagConcurrencyLimits: [{ key: "db", value: { applyLimitPerUniqueValue: true as const }, limit: 1 }],
    };
    expect(
      keys(
        selectStepsToStart(
          perValue,
          [step("r", { db: "x" })],
          [step("a", { db: "x" }), step("b", { db: "y" }), step("c", { db: "y" })],
        ),
      ),
    ).toEqual(["b"]);
  });

  it("a tag limit of 0 never starts its steps", () => {
    const limits = { maxConcurrent: 10, tagConcurrencyLimits: [{ key: "off", limit: 0 }] };
    expect(keys(selectStepsToStart(limits, [], [step("a", { off: "1" }), step("b")]))).toEqual(["b"]);
  });
});

describe("resolveMaxConcurrent", () => {
  it("means the number of CPUs when absent or 0, and the number otherwise", () => {
    expect(resolveMaxConcurrent(undefined, 8)).toBe(8);
    expect(resolveMaxConcurrent(0, 2)).toBe(2);
    expect(resolveMaxConcurrent(4, 2)).toBe(4);
  });
});
