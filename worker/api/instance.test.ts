import { describe, expect, it } from "vitest";
import { EffectiveInstanceConfigSchema, INSTANCE_CONFIG_LEAF_PATHS, resolveInstanceConfig } from "../../protocol";
import { DomainError } from "../errors";
import { wranglerLayer } from "../instance/load-instance-config";
import { call, expectError } from "../test/helpers";

describe("GET /api/instance", () => {
  it("returns the effective config with a source for every setting", async () => {
    const res = await call("GET", "/api/instance");
    expect(res.status).toBe(200);
    const effective = EffectiveInstanceConfigSchema.parse(await res.json());
    expect(Object.keys(effective.sources).sort()).toEqual([...INSTANCE_CONFIG_LEAF_PATHS].sort());
    expect(effective.config.run_coordinator.max_concurrent_runs).toBe(10);
  });

  it("needs the admin token", async () => {
    await expectError(await call("GET", "/api/instance", { token: null }), 401, "unauthorized");
  });
});

describe("the wrangler.toml layer", () => {
  it("marks the settings INSTANCE_CONFIG sets as coming from wrangler.toml", () => {
    const layer = wranglerLayer('{"run_coordinator": {"max_concurrent_runs": 3}}');
    const { config, sources } = resolveInstanceConfig([layer]);
    expect(config.run_coordinator.max_concurrent_runs).toBe(3);
    expect(sources["run_coordinator.max_concurrent_runs"]).toBe("wrangler.toml");
    expect(sources["run_coordinator.paused"]).toBe("default");
  });

  it.each(["", "{}", undefined])("reads an empty INSTANCE_CONFIG (%s) as no overrides", (raw) => {
    expect(wranglerLayer(raw).values).toEqual({});
  });

  it.each([
    ["not JSON", "{nope", /not JSON/],
    ["a misspelt setting", '{"run_coordinater": {}}', /not valid/],
  ])("names what is wrong with %s", (_what, raw, message) => {
    expect(() => wranglerLayer(raw)).toThrow(DomainError);
    expect(() => wranglerLayer(raw)).toThrow(message);
  });
});
