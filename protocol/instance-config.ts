/**
 * The instance configuration (DESIGN.md §4), Flightdeck's `dagster.yaml`: one zod schema with every
 * default written in it, a deep-partial schema for the layers that override it, and the pure merge
 * that yields the effective config together with the source of every leaf.
 *
 * Defaults are Dagster's unless a comment says why not. Layers merge leaf by leaf: sections are
 * objects and merge key by key; everything else (numbers, strings, arrays such as
 * `tag_concurrency_limits`, records such as `concurrency.pools.limits`) is one leaf, replaced whole.
 */
import { z } from "zod";

/** -1 keeps forever (Dagster's convention for retention); otherwise a whole number of days ≥ 1. */
const RetentionDaysSchema = z
  .number()
  .int()
  .refine((days) => days === -1 || days >= 1, "Use -1 to keep forever, or a number of days of at least 1.");

/**
 * Dagster's tag concurrency limit: `{key, limit}` counts every run with the key, `{key, value, limit}`
 * the runs with that value, `{key, value: {applyLimitPerUniqueValue: true}, limit}` each value
 * separately. `applyLimitPerUniqueValue: false` is accepted, as Dagster does, and means `{key, limit}`.
 */
const TAG_LIMIT_MESSAGE = "A tag concurrency limit is a whole number ≥ 0 (0 launches none of its runs).";

export const TagConcurrencyLimitSchema = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.string(), z.strictObject({ applyLimitPerUniqueValue: z.boolean() })]).optional(),
  limit: z.number().int(TAG_LIMIT_MESSAGE).min(0, TAG_LIMIT_MESSAGE),
});
export type TagConcurrencyLimit = z.infer<typeof TagConcurrencyLimitSchema>;

/** Which of Dagster's three kinds a tag limit is. */
export function tagLimitKind(limit: TagConcurrencyLimit): "key" | "value" | "per_unique_value" {
  if (typeof limit.value === "string") return "value";
  return limit.value?.applyLimitPerUniqueValue ? "per_unique_value" : "key";
}

function describeTagLimit(limit: TagConcurrencyLimit): string {
  const kind = tagLimitKind(limit);
  if (kind === "value") return `key "${limit.key}" with value "${String(limit.value)}"`;
  return kind === "key" ? `key "${limit.key}"` : `key "${limit.key}" per unique value`;
}

/**
 * Dagster keeps the last of two limits on the same key and value, silently. We refuse them instead:
 * the dashboard shows one limit per row, and a hidden override is a trap.
 */
const TagConcurrencyLimitsSchema = z.array(TagConcurrencyLimitSchema).superRefine((limits, ctx) => {
  const seen = new Set<string>();
  limits.forEach((limit, index) => {
    const what = describeTagLimit(limit);
    if (seen.has(what)) ctx.addIssue({ code: "custom", path: [index], message: `Two limits for ${what}; keep one.` });
    seen.add(what);
  });
});

const MAX_CONCURRENT_RUNS_MESSAGE =
  "max_concurrent_runs is -1 (no limit), 0 (launch nothing) or a positive whole number.";

export const RunCoordinatorConfigSchema = z.strictObject({
  /** Flightdeck differs from Dagster here on purpose: the queue is the product (DESIGN §4). */
  type: z.enum(["queued", "default"]).default("queued"),
  max_concurrent_runs: z.number().int(MAX_CONCURRENT_RUNS_MESSAGE).min(-1, MAX_CONCURRENT_RUNS_MESSAGE).default(10),
  tag_concurrency_limits: TagConcurrencyLimitsSchema.default([]),
  /**
   * Dagster's QueuedRunCoordinator settings for a launch that could not reach the code location
   * server (refused, reset, timed out, 502/503/504): the run goes back to the queue, keeping its
   * place, up to this many times, and that location's runs wait `user_code_failure_retry_delay`
   * seconds before the next try; with 0 (Dagster's default) such a run fails at once, as a launch
   * the server answered with an error always does.
   */
  max_user_code_failure_retries: z.number().int().min(0).default(0),
  user_code_failure_retry_delay: z.number().int().min(0).default(60),
  /**
   * Dagster's (1.10+): when enabled, a queued run whose first steps all need an op concurrency
   * pool with no free slot stays queued (wait reason `op_concurrency_pools`) instead of launching
   * and waiting in its run worker. `op_concurrency_slot_buffer` launches that many runs more than
   * the free slots, so a slot freed is taken at once by a run already started.
   */
  block_op_concurrency_limited_runs: z
    .strictObject({
      enabled: z.boolean().default(false),
      op_concurrency_slot_buffer: z.number().int().min(0).default(0),
    })
    .prefault({}),
  paused: z.boolean().default(false),
});
export type RunCoordinatorConfig = z.infer<typeof RunCoordinatorConfigSchema>;

/** The server answers 202 once the run worker is spawned, not when it is running: 30 s is plenty. */
export const DEFAULT_LAUNCH_REQUEST_TIMEOUT_SECONDS = 30;

/**
 * Dagster's launchers speak gRPC or cloud APIs and have no such knobs; ours is one HTTP request.
 * A request that fails is not retried in place: see `max_user_code_failure_retries`.
 */
export const RunLauncherConfigSchema = z.strictObject({
  request_timeout_seconds: z.number().positive().default(DEFAULT_LAUNCH_REQUEST_TIMEOUT_SECONDS),
});

export const RunMonitoringConfigSchema = z.strictObject({
  /** On by default, unlike Dagster: heartbeats make it cheap and it frees slots of dead runs. */
  enabled: z.boolean().default(true),
  start_timeout_seconds: z.number().positive().default(180),
  cancel_timeout_seconds: z.number().positive().default(180),
  /**
   * Dagster defaults to 3 only for launchers that can resume a run (Kubernetes, ECS) and to 0
   * otherwise; a resumed run re-executes its in-flight steps, so resuming is an opt-in.
   */
  max_resume_run_attempts: z.number().int().min(0).default(0),
  /** Dagster has none; 120 s tolerates a few lost heartbeats before a run worker counts as dead. */
  heartbeat_timeout_seconds: z.number().positive().default(120),
  /** Instance-wide cap on a run's duration; `flightdeck/max_runtime` sets it per run. null: none. */
  max_runtime_seconds: z.number().positive().nullable().default(null),
});

export const RunRetriesConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  max_retries: z.number().int().min(0).default(0),
  /**
   * Dagster's name and default: false retries only runs that failed for another reason than a step
   * failing. A run's `flightdeck/retry_on_asset_or_op_failure` tag overrides it. The old name
   * `retry_on_op_failure` is still read (see RENAMED_SETTINGS).
   */
  retry_on_asset_or_op_failure: z.boolean().default(true),
  default_strategy: z.enum(["FROM_FAILURE", "ALL_STEPS"]).default("FROM_FAILURE"),
});

export const ConcurrencyConfigSchema = z.strictObject({
  pools: z
    .strictObject({
      /** Limit of a pool with no entry in `limits`. null, as in Dagster: such a pool is unlimited. */
      default_limit: z.number().int().min(0).nullable().default(null),
      limits: z.record(z.string().min(1), z.number().int().min(0)).default({}),
      /**
       * Flightdeck's own (Dagster's slots are rows freed by its run monitoring): a pool slot is a
       * lease the run worker renews every third of this; unrenewed, it is freed after this long.
       */
      lease_seconds: z.number().min(1).default(60),
    })
    .prefault({}),
});

export const SchedulesConfigSchema = z.strictObject({
  max_catchup_runs: z.number().int().min(0).default(5),
  /**
   * Dagster's: how many times a tick whose evaluation failed is evaluated again (0: never). A tick
   * that could not reach its code location is evaluated again until it can, whatever this says.
   */
  max_tick_retries: z.number().int().min(0).default(0),
});

export const SensorsConfigSchema = z.strictObject({
  minimum_interval_seconds: z.number().int().positive().default(30),
});

const TickRetentionSchema = (skippedDays: number) =>
  z
    .strictObject({
      success_days: RetentionDaysSchema.default(-1),
      failure_days: RetentionDaysSchema.default(-1),
      skipped_days: RetentionDaysSchema.default(skippedDays),
    })
    .prefault({});

export const RetentionConfigSchema = z.strictObject({
  /** Run records are small; kept forever, as Dagster does. */
  runs_days: RetentionDaysSchema.default(-1),
  /**
   * Dagster keeps event logs forever; D1 caps a database at 10 GB and event logs are most of it, so
   * an unbounded default would eventually stop the instance. 90 days covers a quarter's debugging.
   */
  event_logs_days: RetentionDaysSchema.default(90),
  /** Compute logs in R2, kept as long as the events that point at them. */
  compute_logs_days: RetentionDaysSchema.default(90),
  /** Dagster's defaults: schedule ticks forever, skipped sensor ticks for 7 days. */
  schedule_ticks: TickRetentionSchema(-1),
  sensor_ticks: TickRetentionSchema(7),
});

/**
 * Svix's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h): eight attempts over 27.6 hours,
 * so a receiver that is down for a day still gets its alerts. Each delay is at most 12 hours,
 * the longest a Cloudflare Queues message can be delayed.
 */
export const DEFAULT_ALERT_RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];

export const AlertsConfigSchema = z.strictObject({
  /** One delay per retry of a failed delivery; after the last, the alert goes to the dead-letter queue. */
  retry_delays_seconds: z
    .array(z.number().int().min(0).max(43_200, "A retry delay is at most 43200 s (12 h), Cloudflare Queues' limit."))
    .max(99, "At most 99 retries: the queue consumer's max_retries is 100.")
    .default(DEFAULT_ALERT_RETRY_DELAYS_SECONDS),
  /** How long one POST to a destination may take before it counts as failed. */
  request_timeout_seconds: z.number().positive().max(60).default(10),
});

export const InstanceConfigSchema = z.strictObject({
  run_coordinator: RunCoordinatorConfigSchema.prefault({}),
  run_launcher: RunLauncherConfigSchema.prefault({}),
  run_monitoring: RunMonitoringConfigSchema.prefault({}),
  run_retries: RunRetriesConfigSchema.prefault({}),
  concurrency: ConcurrencyConfigSchema.prefault({}),
  schedules: SchedulesConfigSchema.prefault({}),
  sensors: SensorsConfigSchema.prefault({}),
  retention: RetentionConfigSchema.prefault({}),
  alerts: AlertsConfigSchema.prefault({}),
});
export type InstanceConfig = z.infer<typeof InstanceConfigSchema>;

/** Where an effective value came from; later sources win (DESIGN §4). */
export const ConfigSourceSchema = z.enum(["default", "wrangler.toml", "override"]);
export type ConfigSource = z.infer<typeof ConfigSourceSchema>;
const SOURCE_RANK: Record<ConfigSource, number> = { default: 0, "wrangler.toml": 1, override: 2 };

/** Objects become partial at every depth; arrays and records (`string` keys) stay whole leaves. */
type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? string extends keyof T
      ? T
      : { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
export type InstanceConfigOverrides = DeepPartial<InstanceConfig>;

function unwrapDefaults(schema: z.core.$ZodType): z.core.$ZodType {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) inner = inner.unwrap();
  return inner;
}

/** Derived from the config schema so that no field is declared twice: same checks, no defaults. */
function toOverridesSchema(schema: z.core.$ZodType): z.core.$ZodType {
  const inner = unwrapDefaults(schema);
  if (!(inner instanceof z.ZodObject)) return inner;
  const shape: Record<string, z.core.$ZodType> = {};
  for (const [key, field] of Object.entries(inner.shape)) shape[key] = z.optional(toOverridesSchema(field));
  return z.strictObject(shape);
}

/**
 * One layer of overrides, as `INSTANCE_CONFIG` in wrangler.toml or an admin's PATCH /api/instance
 * holds it. Unknown keys are refused, so a misspelt setting is an error rather than a no-op.
 */
/**
 * Settings renamed to Dagster's names, as [old path, new path]: a layer may use either, not both.
 * The old `run_coordinator.launch_retries` object became Dagster's two flat settings.
 */
const RENAMED_SETTINGS: readonly (readonly [readonly string[], readonly string[]])[] = [
  [
    ["run_retries", "retry_on_op_failure"],
    ["run_retries", "retry_on_asset_or_op_failure"],
  ],
  [
    ["run_coordinator", "launch_retries", "max_retries"],
    ["run_coordinator", "max_user_code_failure_retries"],
  ],
  [
    ["run_coordinator", "launch_retries", "delay_seconds"],
    ["run_coordinator", "user_code_failure_retry_delay"],
  ],
];

/**
 * Settings that no longer exist, still accepted (and ignored) so that stored overrides and
 * wrangler.toml written for an older build keep loading. `run_launcher.max_retries` retried one
 * launch request in place while the run held its slot; Dagster's rule (the run back in the queue,
 * its code location paused, `max_user_code_failure_retries`) replaced it.
 */
const REMOVED_SETTINGS: readonly (readonly string[])[] = [["run_launcher", "max_retries"]];

const dotted = (path: readonly string[]) => path.join(".");

/** A deep copy of `layer` without the leaf at `path` (and without objects it leaves empty). */
function withoutPath(layer: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !(head in layer)) return layer;
  const { [head]: child, ...others } = layer;
  if (rest.length === 0) return others;
  if (!isRecord(child)) return layer;
  const pruned = withoutPath(child, rest);
  return Object.keys(pruned).length === 0 ? others : { ...others, [head]: pruned };
}

/** Rewrites old setting names to the current ones, so stored overrides and wrangler.toml keep working. */
function renameSettings(layer: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (!isRecord(layer)) return layer;
  let renamed = structuredClone(layer);
  for (const [from, to] of RENAMED_SETTINGS) {
    const value = readPath(layer, from);
    if (value === undefined) continue;
    if (readPath(layer, to) !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...from],
        message: `${dotted(from)} is the old name of ${dotted(to)}; set only ${dotted(to)}.`,
      });
      continue;
    }
    renamed = withoutPath(renamed, from);
    writePath(renamed, to, value);
  }
  for (const path of REMOVED_SETTINGS) renamed = withoutPath(renamed, path);
  return renamed;
}

// The walk above builds exactly DeepPartial<InstanceConfig>; TypeScript cannot follow a runtime walk.
export const InstanceConfigOverridesSchema = z.preprocess(
  renameSettings,
  toOverridesSchema(InstanceConfigSchema),
) as z.ZodType<InstanceConfigOverrides>;

function listLeafPaths(schema: z.core.$ZodType, prefix: readonly string[]): string[][] {
  const inner = unwrapDefaults(schema);
  if (!(inner instanceof z.ZodObject)) return [[...prefix]];
  return Object.entries(inner.shape).flatMap(([key, field]) => listLeafPaths(field, [...prefix, key]));
}
const LEAF_PATHS = listLeafPaths(InstanceConfigSchema, []);
/** Every leaf of the config, dotted: `run_coordinator.max_concurrent_runs`, ... */
export const INSTANCE_CONFIG_LEAF_PATHS: readonly string[] = LEAF_PATHS.map((path) => path.join("."));

/** The effective config and, for every leaf in INSTANCE_CONFIG_LEAF_PATHS, its source. */
export const EffectiveInstanceConfigSchema = z.object({
  config: InstanceConfigSchema,
  sources: z.record(z.string(), ConfigSourceSchema),
});
export type EffectiveInstanceConfig = z.infer<typeof EffectiveInstanceConfigSchema>;

export interface InstanceConfigLayer {
  readonly source: ConfigSource;
  /** Already parsed with InstanceConfigOverridesSchema. */
  readonly values: InstanceConfigOverrides;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

function writePath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (isRecord(child)) {
      node = child;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  const leaf = path.at(-1);
  if (leaf !== undefined) node[leaf] = value;
}

/**
 * Merges the layers over the built-in defaults, leaf by leaf, in DESIGN §4's order whatever the
 * order given (default, then wrangler.toml, then override; equal sources keep their order).
 * Throws only if a layer skipped InstanceConfigOverridesSchema, which is a bug of the caller.
 */
export function resolveInstanceConfig(layers: readonly InstanceConfigLayer[]): EffectiveInstanceConfig {
  const ordered = [...layers].sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source]);
  const merged: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const path of LEAF_PATHS) {
    let source: ConfigSource = "default";
    for (const layer of ordered) {
      const value = readPath(layer.values, path);
      if (value === undefined) continue;
      writePath(merged, path, value);
      source = layer.source;
    }
    sources[path.join(".")] = source;
  }
  return { config: InstanceConfigSchema.parse(merged), sources };
}
