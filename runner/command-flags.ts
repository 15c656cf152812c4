/**
 * What `flightdeck serve` and `flightdeck agent` parse alike: one code location file and
 * `--flag value` / `--flag=value` pairs from a known list, and the run worker flags both take
 * (the termination grace and the standby pool's floor and ceiling). Pure: the callers turn an error into a usage line.
 */
import { defaultMaxStandbyWorkers } from "./server/standby-pool-size";

export type FlagsParsed<F extends string> =
  | { readonly ok: true; readonly file: string; readonly values: ReadonlyMap<F, string> }
  | { readonly ok: false; readonly message: string };

export function parseFileAndFlags<F extends string>(
  command: string,
  rest: readonly string[],
  flags: readonly F[],
): FlagsParsed<F> {
  const isFlag = (name: string): name is F => (flags as readonly string[]).includes(name);
  const values = new Map<F, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name = "", inline] = arg.split(/=(.*)/s, 2);
    if (!isFlag(name)) return { ok: false, message: `unknown flag "${name}"` };
    const value = inline ?? rest[++i];
    if (value === undefined || value === "") return { ok: false, message: `${name} needs a value` };
    values.set(name, value);
  }
  if (positional.length !== 1) {
    const message =
      positional.length === 0
        ? `${command} needs the file of a code location`
        : `unexpected argument "${positional[1]}"`;
    return { ok: false, message };
  }
  return { ok: true, file: positional[0] ?? "", values };
}

export const RUN_WORKER_FLAGS = ["--terminate-grace-seconds", "--standby-workers", "--max-standby-workers"] as const;
type RunWorkerFlag = (typeof RUN_WORKER_FLAGS)[number];

const MAX_STANDBY = 16;

export type RunWorkerFlags = {
  readonly terminateGraceSeconds: number;
  /** The standby pool's floor (standby-pool-size.ts). */
  readonly standbyWorkers: number;
  /** The standby pool's ceiling. */
  readonly maxStandbyWorkers: number;
};

export function parseRunWorkerFlags(
  values: ReadonlyMap<RunWorkerFlag | string, string>,
): ({ readonly ok: true } & RunWorkerFlags) | { readonly ok: false; readonly message: string } {
  const grace = Number(values.get("--terminate-grace-seconds") ?? "10");
  if (!Number.isFinite(grace) || grace < 0) {
    return { ok: false, message: "--terminate-grace-seconds must be a number of seconds, 0 or more" };
  }
  const min = Number(values.get("--standby-workers") ?? "1");
  if (!Number.isInteger(min) || min < 0 || min > MAX_STANDBY) {
    return { ok: false, message: `--standby-workers must be a whole number from 0 to ${MAX_STANDBY}` };
  }
  const maxFlag = values.get("--max-standby-workers");
  const max = maxFlag === undefined ? defaultMaxStandbyWorkers(min) : Number(maxFlag);
  if (!Number.isInteger(max) || max < min || max > MAX_STANDBY) {
    return {
      ok: false,
      message: `--max-standby-workers must be a whole number from --standby-workers (${min}) to ${MAX_STANDBY}`,
    };
  }
  return { ok: true, terminateGraceSeconds: grace, standbyWorkers: min, maxStandbyWorkers: max };
}
