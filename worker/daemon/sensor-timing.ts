/**
 * When a sensor may be evaluated (Dagster's `minimum_interval_seconds`), pure: its own interval,
 * else the instance's `sensors.minimum_interval_seconds`; and the earliest moment any RUNNING
 * sensor is due, which the run coordinator's alarm is armed for, so a sensor asking for 5 s is
 * evaluated every 5 s and not only on the one-minute cron (DESIGN.md §6).
 */
import type { InstanceConfig, InstigatorStatus, SensorDefinition } from "../../protocol";

export type SensorsConfig = InstanceConfig["sensors"];

/** Nothing finer than a second: the claim compares millisecond timestamps, the alarm is not a busy loop. */
const MIN_INTERVAL_MS = 1000;

export function sensorIntervalMs(sensor: Pick<SensorDefinition, "minimum_interval_seconds">, config: SensorsConfig) {
  return Math.max((sensor.minimum_interval_seconds ?? config.minimum_interval_seconds) * 1000, MIN_INTERVAL_MS);
}

export type SensorTiming = {
  sensor: Pick<SensorDefinition, "minimum_interval_seconds" | "default_status">;
  /** Its stored state, if any: the status someone set, and when its last evaluation was claimed. */
  state: { status: InstigatorStatus | null; lastTickAt: number | null } | undefined;
};

/** When the next evaluation of any RUNNING sensor is due (never before `now`); null when none runs. */
export function nextSensorDueAt(sensors: readonly SensorTiming[], config: SensorsConfig, now: number): number | null {
  let next: number | null = null;
  for (const { sensor, state } of sensors) {
    if ((state?.status ?? sensor.default_status) !== "RUNNING") continue;
    const last = state?.lastTickAt ?? null;
    const due = last === null ? now : Math.max(now, last + sensorIntervalMs(sensor, config));
    next = next === null ? due : Math.min(next, due);
  }
  return next;
}
