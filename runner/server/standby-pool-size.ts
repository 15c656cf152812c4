/**
 * How many standby run workers to keep warm (server/standby.ts), decided from the recent launches
 * and how long a standby takes to become ready. Pure: time comes in as a parameter.
 *
 * Why this number: a launch takes a spare, and its replacement is of no use to a launch for a lag:
 * the time it is held back (standby.ts) and its boot. So at a launch at `t`, the replacements of
 * the launches in (t - lag, t] are not ready, and a ready spare is left only if the pool holds one
 * more than the launches in that span. The target is therefore the busiest span of one lag among
 * the launches of the last window (each span counted with its own launch), between the floor
 * (`--standby-workers`) and the ceiling (`--max-standby-workers`). When launches stop, the window
 * empties and the target falls back to the floor. Dagster's DefaultRunLauncher has no pool; this
 * is what keeps its one-process-per-run rule from costing a Node start per run.
 */

export interface PoolSizeSettings {
  /** The floor: kept warm even with no launches (`--standby-workers`). */
  readonly min: number;
  /** The ceiling (`--max-standby-workers`); never below `min` (parseCliArgs sees to it). */
  readonly max: number;
  /** How far back launches count; after this long without one, the target is `min` again. */
  readonly windowMs: number;
}

export interface PoolSizeDecision {
  readonly target: number;
  /** When the target may change with no new launch (the oldest counted launch leaves the window), or null. */
  readonly recheckAt: number | null;
}

/** Boot time assumed before any standby has reported ready: a Node start plus the bundle's load here. */
export const INITIAL_BOOT_MS = 300;
/** Weight of a new boot-time sample: recent enough to follow the machine's load, steady enough to ignore one outlier. */
const BOOT_SAMPLE_WEIGHT = 0.3;
export const DEFAULT_MAX_STANDBY_WORKERS = 4;

/**
 * The ceiling when `--max-standby-workers` is not given: 4 (at a ~300 ms boot, warm for a launch
 * every ~75 ms, while idle spares cost only a few Node processes' memory), never below the floor;
 * and 0 when the floor is 0, so `--standby-workers 0` still means every run worker starts on launch.
 */
export function defaultMaxStandbyWorkers(min: number): number {
  return min === 0 ? 0 : Math.max(min, DEFAULT_MAX_STANDBY_WORKERS);
}
export const DEFAULT_STANDBY_WINDOW_MS = 10_000;

/** The launch times still inside the window at `now`, oldest first (the list to keep). */
export function recentLaunches(launches: readonly number[], now: number, windowMs: number): number[] {
  return launches.filter((t) => t > now - windowMs && t <= now).sort((a, b) => a - b);
}

/** The most launches that fell within one span of `spanMs` of each other: each launch with those before it. */
export function peakLaunchesPerSpan(sortedLaunches: readonly number[], spanMs: number): number {
  let peak = 0;
  let first = 0;
  for (let i = 0; i < sortedLaunches.length; i++) {
    const t = sortedLaunches[i] ?? 0;
    while (first < i && (sortedLaunches[first] ?? t) <= t - spanMs) first++;
    peak = Math.max(peak, i - first + 1);
  }
  return peak;
}

/**
 * How long a taken spare's replacement is held back at most (standby.ts): one boot time, enough
 * for a short run to end before a boot competes with it for the CPU, and no longer, or a burst of
 * launches would run the pool dry.
 */
export function replacementHoldMs(bootMs: number): number {
  return bootMs;
}

/** `bootMs`: the boot time now (currentBootMs). A replacement is of use after its hold and its boot: that is the lag. */
export function decideStandbyPoolSize(
  launches: readonly number[],
  now: number,
  bootMs: number,
  settings: PoolSizeSettings,
): PoolSizeDecision {
  const recent = recentLaunches(launches, now, settings.windowMs);
  const lagMs = replacementHoldMs(bootMs) + bootMs;
  const demand = peakLaunchesPerSpan(recent, Math.max(0, lagMs));
  const target = Math.min(settings.max, Math.max(settings.min, demand));
  const oldest = recent[0];
  return { target, recheckAt: oldest === undefined ? null : oldest + settings.windowMs };
}

/**
 * The boot time to size the pool with: the estimate, or longer when a spare has been booting for
 * longer than that already (its boot takes at least its age). Before the first spare is ready,
 * and when the machine suddenly slows, that is the only measure there is.
 */
export function currentBootMs(estimateMs: number, bootingSince: readonly number[], now: number): number {
  return Math.max(estimateMs, ...bootingSince.map((t) => now - t));
}

/** The boot-time estimate after one more measured spawn → ready. */
export function nextBootEstimate(previousMs: number, sampleMs: number): number {
  if (!Number.isFinite(sampleMs) || sampleMs < 0) return previousMs;
  return previousMs + BOOT_SAMPLE_WEIGHT * (sampleMs - previousMs);
}

/** FLIGHTDECK_STANDBY_WINDOW_SECONDS, default 10: how long a launch keeps the pool above its floor. */
export function readStandbyWindowMs(env: Record<string, string | undefined>): number {
  const raw = env.FLIGHTDECK_STANDBY_WINDOW_SECONDS;
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(value) && value > 0
    ? value * 1000
    : DEFAULT_STANDBY_WINDOW_MS;
}
