import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_RETRY_DELAYS_SECONDS } from "../../protocol";
import { isDelivered, nextStepAfterFailure } from "./delivery-schedule";

describe("the alert delivery schedule", () => {
  it.each([
    [1, { kind: "retry", delaySeconds: 1 }],
    [2, { kind: "retry", delaySeconds: 5 }],
    [3, { kind: "dead" }],
  ])("after failed attempt %i of a [1, 5] schedule: %o", (attempt, step) => {
    expect(nextStepAfterFailure(attempt, [1, 5])).toEqual(step);
  });

  it("with no delays, the first failure is final", () => {
    expect(nextStepAfterFailure(1, [])).toEqual({ kind: "dead" });
  });

  it("the default schedule keeps trying for at least 24 hours", () => {
    const total = DEFAULT_ALERT_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 60 * 60);
  });

  it.each([
    [200, true],
    [204, true],
    [299, true],
    [300, false],
    [410, false],
    [500, false],
  ])("a %i reply delivered: %s", (status, delivered) => {
    expect(isDelivered(status)).toBe(delivered);
  });
});
