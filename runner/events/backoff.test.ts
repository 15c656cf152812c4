import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  const cases: { retry: number; random: number; delay: number }[] = [
    { retry: 1, random: 0, delay: 25 },
    { retry: 1, random: 0.999, delay: 50 },
    { retry: 2, random: 0, delay: 50 },
    { retry: 3, random: 0, delay: 100 },
    { retry: 7, random: 0, delay: 1600 },
    { retry: 8, random: 0.999, delay: 4998 },
    { retry: 9, random: 0, delay: 2500 },
    { retry: 1000, random: 0, delay: 2500 },
  ];
  for (const { retry, random, delay } of cases) {
    it(`waits ${delay} ms before retry ${retry} when the draw is ${random}`, () => {
      expect(backoffDelay(retry, random)).toBe(delay);
    });
  }
  it("never exceeds the 5 s cap", () => {
    for (let retry = 1; retry < 100; retry++) expect(backoffDelay(retry, 0.9999)).toBeLessThanOrEqual(5000);
  });
});
