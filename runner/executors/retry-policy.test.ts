import { describe, expect, it } from "vitest";
import { decideRetry, type RetryPolicy, retryDelayMs } from "./retry-policy";

describe("retryDelayMs", () => {
  const cases: { policy: RetryPolicy; retry: number; random: number; ms: number }[] = [
    { policy: { maxRetries: 3, delaySeconds: 0.5 }, retry: 3, random: 0, ms: 500 },
    { policy: { maxRetries: 3, delaySeconds: 0.5, backoff: "LINEAR" }, retry: 1, random: 0, ms: 500 },
    { policy: { maxRetries: 3, delaySeconds: 0.5, backoff: "LINEAR" }, retry: 3, random: 0, ms: 1500 },
    { policy: { maxRetries: 3, delaySeconds: 1, backoff: "EXPONENTIAL" }, retry: 1, random: 0, ms: 1000 },
    { policy: { maxRetries: 3, delaySeconds: 1, backoff: "EXPONENTIAL" }, retry: 2, random: 0, ms: 3000 },
    { policy: { maxRetries: 3, delaySeconds: 1, backoff: "EXPONENTIAL" }, retry: 3, random: 0, ms: 7000 },
    {
      policy: { maxRetries: 3, delaySeconds: 1, backoff: "EXPONENTIAL", jitter: "FULL" },
      retry: 2,
      random: 0.5,
      ms: 1500,
    },
    { policy: { maxRetries: 3, delaySeconds: 1, backoff: "EXPONENTIAL", jitter: "FULL" }, retry: 2, random: 0, ms: 0 },
    {
      policy: { maxRetries: 3, delaySeconds: 1, backoff: "LINEAR", jitter: "PLUS_MINUS" },
      retry: 2,
      random: 0,
      ms: 1000,
    },
    {
      policy: { maxRetries: 3, delaySeconds: 1, backoff: "LINEAR", jitter: "PLUS_MINUS" },
      retry: 2,
      random: 0.75,
      ms: 2500,
    },
    { policy: { maxRetries: 3, delaySeconds: 1, jitter: "PLUS_MINUS" }, retry: 1, random: 0, ms: 0 },
    { policy: { maxRetries: 3 }, retry: 1, random: 0.9, ms: 0 },
  ];
  for (const c of cases) {
    it(`${c.policy.backoff ?? "constant"} ${c.policy.jitter ?? "no jitter"}, retry ${c.retry}, random ${c.random}: ${c.ms} ms`, () => {
      expect(retryDelayMs(c.policy, c.retry, () => c.random)).toBe(c.ms);
    });
  }
});

describe("decideRetry", () => {
  const policy: RetryPolicy = { maxRetries: 2, delaySeconds: 0.1, backoff: "LINEAR" };
  it("retries an error up to max_retries, then gives up", () => {
    expect(decideRetry(policy, { kind: "error" }, 1)).toEqual({ retry: true, delayMs: 100, retryNumber: 1 });
    expect(decideRetry(policy, { kind: "error" }, 2)).toEqual({ retry: true, delayMs: 200, retryNumber: 2 });
    expect(decideRetry(policy, { kind: "error" }, 3)).toEqual({ retry: false });
  });
  it("never retries a step without a policy or one that threw Failure", () => {
    expect(decideRetry(null, { kind: "error" }, 1)).toEqual({ retry: false });
    expect(decideRetry(policy, { kind: "failure" }, 1)).toEqual({ retry: false });
  });
  it("retries RetryRequested by its own limit and wait, with or without a policy", () => {
    const requested = { kind: "retry_requested", maxRetries: 1, secondsToWait: 0.25 } as const;
    expect(decideRetry(null, requested, 1)).toEqual({ retry: true, delayMs: 250, retryNumber: 1 });
    expect(decideRetry(null, requested, 2)).toEqual({ retry: false });
    expect(decideRetry(policy, { ...requested, secondsToWait: null }, 1)).toEqual({
      retry: true,
      delayMs: 100,
      retryNumber: 1,
    });
  });
});
