import { describe, expect, it } from "vitest";
import {
  INSTANCE_CONFIG_LEAF_PATHS,
  type InstanceConfigOverrides,
  InstanceConfigOverridesSchema,
  InstanceConfigSchema,
  RunCoordinatorConfigSchema,
  resolveInstanceConfig,
  tagLimitKind,
} from "./instance-config";

describe("InstanceConfigSchema", () => {
  it("fills every default from an empty document, with Dagster's values and the two deliberate differences", () => {
    const config = InstanceConfigSchema.parse({});
    expect(config.run_coordinator).toEqual({
      type: "queued",
      max_concurrent_runs: 10,
      tag_concurrency_limits: [],
      max_user_code_failure_retries: 0,
      user_code_failure_retry_delay: 60,
      block_op_concurrency_limited_runs: { enabled: false, op_concurrency_slot_buffer: 0 },
      paused: false,
    });
    expect(config.run_monitoring).toMatchObject({
      enabled: true,
      start_timeout_seconds: 180,
      cancel_timeout_seconds: 180,
      max_runtime_seconds: null,
    });
    expect(config.run_retries).toEqual({
      enabled: false,
      max_retries: 0,
      retry_on_asset_or_op_failure: true,
      default_strategy: "FROM_FAILURE",
    });
    expect(config.concurrency.pools).toEqual({ default_limit: null, limits: {}, lease_seconds: 60 });
    expect(config.schedules.max_catchup_runs).toBe(5);
    expect(config.sensors.minimum_interval_seconds).toBe(30);
    expect(config.retention.sensor_ticks.skipped_days).toBe(7);
  });

  it.each([
    { name: "-1 means no limit", max: -1 },
    { name: "0 launches nothing and is valid", max: 0 },
    { name: "a positive limit", max: 25 },
  ])("accepts max_concurrent_runs: $name", ({ max }) => {
    expect(RunCoordinatorConfigSchema.parse({ max_concurrent_runs: max }).max_concurrent_runs).toBe(max);
  });

  it.each([
    {
      name: "a negative max_concurrent_runs other than -1",
      input: { max_concurrent_runs: -2 },
      message: /-1 \(no limit\)/,
    },
    { name: "a fractional max_concurrent_runs", input: { max_concurrent_runs: 1.5 }, message: /whole number/ },
    { name: "a negative tag limit", input: { tag_concurrency_limits: [{ key: "db", limit: -1 }] }, message: /≥ 0/ },
    {
      name: "two limits on the same key and value",
      input: {
        tag_concurrency_limits: [
          { key: "db", value: "tiny", limit: 1 },
          { key: "db", value: "tiny", limit: 2 },
        ],
      },
      message: /Two limits for key "db" with value "tiny"/,
    },
    {
      name: "an unknown key (a typo must not be a silent no-op)",
      input: { max_concurent_runs: 3 },
      message: /Unrecognized/i,
    },
  ])("refuses $name with a message", ({ input, message }) => {
    const result = RunCoordinatorConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join("\n")).toMatch(message);
  });

  it.each([
    { name: "no value is a key limit", limit: { key: "db", limit: 1 }, kind: "key" },
    { name: "a string value is a value limit", limit: { key: "db", value: "tiny", limit: 1 }, kind: "value" },
    {
      name: "applyLimitPerUniqueValue: true is a per-unique-value limit",
      limit: { key: "db", value: { applyLimitPerUniqueValue: true }, limit: 1 },
      kind: "per_unique_value",
    },
    {
      name: "applyLimitPerUniqueValue: false is a key limit, as in Dagster",
      limit: { key: "db", value: { applyLimitPerUniqueValue: false }, limit: 1 },
      kind: "key",
    },
  ] as const)("reads a tag limit's kind: $name", ({ limit, kind }) => {
    const [parsed] = RunCoordinatorConfigSchema.parse({ tag_concurrency_limits: [limit] }).tag_concurrency_limits;
    expect(parsed && tagLimitKind(parsed)).toBe(kind);
  });
});

describe("InstanceConfigOverridesSchema", () => {
  it("accepts a partial layer and fills in nothing", () => {
    const layer = { run_coordinator: { max_concurrent_runs: 3 } };
    expect(InstanceConfigOverridesSchema.parse(layer)).toEqual(layer);
  });

  it.each([
    { name: "the config's own checks", layer: { run_coordinator: { max_concurrent_runs: -5 } } },
    { name: "unknown sections", layer: { run_coordnator: {} } },
    { name: "unknown keys inside a section", layer: { schedules: { max_catchup: 1 } } },
  ])("keeps $name", ({ layer }) => {
    expect(InstanceConfigOverridesSchema.safeParse(layer).success).toBe(false);
  });

  it("reads the old name retry_on_op_failure as Dagster's retry_on_asset_or_op_failure", () => {
    expect(InstanceConfigOverridesSchema.parse({ run_retries: { enabled: true, retry_on_op_failure: false } })).toEqual(
      {
        run_retries: { enabled: true, retry_on_asset_or_op_failure: false },
      },
    );
  });

  it("reads the old launch_retries object as Dagster's max_user_code_failure_retries and user_code_failure_retry_delay", () => {
    expect(
      InstanceConfigOverridesSchema.parse({
        run_coordinator: { max_concurrent_runs: 3, launch_retries: { max_retries: 2, delay_seconds: 5 } },
      }),
    ).toEqual({
      run_coordinator: { max_concurrent_runs: 3, max_user_code_failure_retries: 2, user_code_failure_retry_delay: 5 },
    });
  });

  it("still loads a layer that sets the removed run_launcher.max_retries, without it", () => {
    expect(
      InstanceConfigOverridesSchema.parse({ run_launcher: { max_retries: 2, request_timeout_seconds: 10 } }),
    ).toEqual({ run_launcher: { request_timeout_seconds: 10 } });
    expect(InstanceConfigOverridesSchema.parse({ run_launcher: { max_retries: 2 } })).toEqual({});
  });

  it("refuses a layer that sets both the old and the new name, naming the old one", () => {
    const result = InstanceConfigOverridesSchema.safeParse({
      run_retries: { retry_on_op_failure: false, retry_on_asset_or_op_failure: true },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([
      {
        path: ["run_retries", "retry_on_op_failure"],
        message: expect.stringMatching(/old name of run_retries\.retry_on_asset_or_op_failure/),
      },
    ]);
  });
});

describe("resolveInstanceConfig", () => {
  const wrangler: InstanceConfigOverrides = {
    run_coordinator: { max_concurrent_runs: 4, tag_concurrency_limits: [{ key: "db", limit: 1 }] },
    concurrency: { pools: { limits: { warehouse: 2, api: 5 } } },
  };
  const override: InstanceConfigOverrides = {
    run_coordinator: { max_concurrent_runs: 8 },
    concurrency: { pools: { limits: { warehouse: 1 } } },
    run_monitoring: { max_runtime_seconds: 3600 },
  };

  it("gives the defaults, all from source default, with no layer", () => {
    const { config, sources } = resolveInstanceConfig([]);
    expect(config).toEqual(InstanceConfigSchema.parse({}));
    expect(Object.keys(sources).sort()).toEqual([...INSTANCE_CONFIG_LEAF_PATHS].sort());
    expect(new Set(Object.values(sources))).toEqual(new Set(["default"]));
  });

  it("lets an override beat wrangler.toml and wrangler.toml beat the default, leaf by leaf", () => {
    const { config, sources } = resolveInstanceConfig([
      { source: "wrangler.toml", values: wrangler },
      { source: "override", values: override },
    ]);
    expect(config.run_coordinator.max_concurrent_runs).toBe(8);
    expect(sources["run_coordinator.max_concurrent_runs"]).toBe("override");
    expect(config.run_coordinator.tag_concurrency_limits).toEqual([{ key: "db", limit: 1 }]);
    expect(sources["run_coordinator.tag_concurrency_limits"]).toBe("wrangler.toml");
    expect(config.run_coordinator.paused).toBe(false);
    expect(sources["run_coordinator.paused"]).toBe("default");
    expect(config.run_monitoring.max_runtime_seconds).toBe(3600);
    expect(sources["run_monitoring.max_runtime_seconds"]).toBe("override");
  });

  it("replaces a record leaf whole, so an override can drop a pool limit set in wrangler.toml", () => {
    const { config, sources } = resolveInstanceConfig([
      { source: "wrangler.toml", values: wrangler },
      { source: "override", values: override },
    ]);
    expect(config.concurrency.pools.limits).toEqual({ warehouse: 1 });
    expect(sources["concurrency.pools.limits"]).toBe("override");
  });

  it("applies DESIGN §4's order whatever the order of the layers given", () => {
    const forwards = resolveInstanceConfig([
      { source: "wrangler.toml", values: wrangler },
      { source: "override", values: override },
    ]);
    const backwards = resolveInstanceConfig([
      { source: "override", values: override },
      { source: "wrangler.toml", values: wrangler },
    ]);
    expect(backwards).toEqual(forwards);
  });

  it("takes an explicit null from a later layer as a value, not as absence", () => {
    const { config, sources } = resolveInstanceConfig([
      { source: "wrangler.toml", values: { run_monitoring: { max_runtime_seconds: 60 } } },
      { source: "override", values: { run_monitoring: { max_runtime_seconds: null } } },
    ]);
    expect(config.run_monitoring.max_runtime_seconds).toBeNull();
    expect(sources["run_monitoring.max_runtime_seconds"]).toBe("override");
  });
});
