import { describe, expect, it } from "vitest";
import { nextSensorDueAt, type SensorTiming, sensorIntervalMs } from "./sensor-timing";

const config = { minimum_interval_seconds: 30 };
const NOW = 1_000_000;
const running = (interval: number | null, lastTickAt: number | null): SensorTiming => ({
  sensor: { minimum_interval_seconds: interval, default_status: "RUNNING" },
  state: { status: null, lastTickAt },
});

describe("sensor timing", () => {
  it.each([
    [5, 5000],
    [90, 90_000],
    [null, 30_000],
  ])("a sensor asking for %s s is evaluated every %s ms (null: the instance's interval)", (interval, ms) => {
    expect(sensorIntervalMs({ minimum_interval_seconds: interval }, config)).toBe(ms);
  });

  it("takes the instance's interval when the definition gives none", () => {
    expect(sensorIntervalMs({ minimum_interval_seconds: null }, { minimum_interval_seconds: 10 })).toBe(10_000);
  });

  it("is due at the earliest last tick plus interval among running sensors", () => {
    const due = nextSensorDueAt([running(5, NOW - 1000), running(null, NOW - 20_000)], config, NOW);
    expect(due).toBe(NOW + 4000);
  });

  it("is due now for a running sensor never evaluated, or one overdue", () => {
    expect(nextSensorDueAt([running(5, null)], config, NOW)).toBe(NOW);
    expect(nextSensorDueAt([running(5, NOW - 60_000)], config, NOW)).toBe(NOW);
  });

  it("ignores stopped sensors, whether by default or by someone's choice; null when none runs", () => {
    const stoppedByDefault: SensorTiming = {
      sensor: { minimum_interval_seconds: 1, default_status: "STOPPED" },
      state: undefined,
    };
    const stopped: SensorTiming = { ...running(1, null), state: { status: "STOPPED", lastTickAt: null } };
    expect(nextSensorDueAt([stoppedByDefault, stopped], config, NOW)).toBeNull();
    const started: SensorTiming = { ...stoppedByDefault, state: { status: "RUNNING", lastTickAt: NOW } };
    expect(nextSensorDueAt([started], config, NOW)).toBe(NOW + 1000);
  });
});
