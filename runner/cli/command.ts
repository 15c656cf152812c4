/**
 * How a CLI noun and its verbs are declared (`flightdeck run list`): each verb says its usage,
 * its flags (node:util parseArgs' form) and how many arguments it takes, so dispatch parses and
 * checks the command line and prints `--help` for every verb from the same declaration.
 */
import type { ParseArgsConfig } from "node:util";
import type { ApiClient } from "./api-client";
import { UsageError } from "./errors";
import type { Output } from "./output";

export type Flags = NonNullable<ParseArgsConfig["options"]>;
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface VerbContext {
  readonly flags: FlagValues;
  readonly args: readonly string[];
  /** `--json`: print the API's reply as JSON for scripts instead of a table. */
  readonly json: boolean;
  readonly out: Output;
  /** The logged-in client; throws a clear error when nobody is logged in. */
  client(): ApiClient;
}

export interface Verb {
  readonly name: string;
  /** After `flightdeck <noun> <verb>`: `<id> [--follow]`. */
  readonly usage: string;
  readonly summary: string;
  /** Lines printed under the usage by `--help`. */
  readonly details?: string;
  readonly flags?: Flags;
  readonly args: { readonly min: number; readonly max: number };
  /** The exit code; nothing means 0. */
  run(ctx: VerbContext): Promise<number | undefined>;
}

export interface Noun {
  readonly name: string;
  readonly summary: string;
  readonly verbs: readonly Verb[];
  /** The verb of `flightdeck <noun>` alone, e.g. `flightdeck queue` shows the queue. */
  readonly defaultVerb?: string;
}

/** A string flag's value, when given. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable string flag's values. */
export function listFlag(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}

export function parseInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  }
  return n;
}

/** `--limit n`, from 1 to `max`; `fallback` when not given. */
export function limitFlag(flags: FlagValues, fallback: number, max: number): number {
  const raw = stringFlag(flags, "limit");
  const limit = raw === undefined ? fallback : parseInteger(raw, "--limit");
  if (limit < 1 || limit > max) throw new UsageError(`--limit must be from 1 to ${max}`);
  return limit;
}

/** `--tag k=v` flags as tags; the value may hold `=`. */
export function parseTags(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--tag "${pair}" must be written key=value`);
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}
