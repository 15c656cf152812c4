/** The run worker's tunables from its environment, with their defaults. */

export interface WorkerSettings {
  /** FLIGHTDECK_HEARTBEAT_SECONDS, default 10: how often HEARTBEAT events go out. */
  readonly heartbeatSeconds: number;
  /** FLIGHTDECK_FLUSH_TIMEOUT_SECONDS, default 600: how long to wait for acks before exiting. */
  readonly flushTimeoutMs: number;
}

export function readWorkerSettings(env: Record<string, string | undefined>): WorkerSettings {
  return {
    heartbeatSeconds: positiveNumber(env.FLIGHTDECK_HEARTBEAT_SECONDS, 10),
    flushTimeoutMs: positiveNumber(env.FLIGHTDECK_FLUSH_TIMEOUT_SECONDS, 600) * 1000,
  };
}

function positiveNumber(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(value) && value > 0 ? value : fallback;
}
