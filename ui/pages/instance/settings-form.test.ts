import { describe, expect, it } from "vitest";
import { INSTANCE_CONFIG_LEAF_PATHS, resolveInstanceConfig } from "../../../protocol/instance-config";
import { checkSettings } from "./settings-form";

const { config } = resolveInstanceConfig([]);
const check = (drafts: Record<string, string>) => checkSettings(config, drafts, INSTANCE_CONFIG_LEAF_PATHS);

describe("the instance settings form", () => {
  it("makes a patch of the settings changed only", () => {
    const result = check({
      "run_coordinator.max_concurrent_runs": "4",
      "run_monitoring.enabled": "false",
      "schedules.max_catchup_runs": String(config.schedules.max_catchup_runs),
    });
    expect(result.errors).toEqual({});
    expect(result.changed).toEqual(["run_coordinator.max_concurrent_runs", "run_monitoring.enabled"]);
    expect(result.patch).toEqual({ run_coordinator: { max_concurrent_runs: 4 }, run_monitoring: { enabled: false } });
  });

  it("places each problem on its setting: text where a number goes, and what the config schema refuses", () => {
    const result = check({
      "run_coordinator.max_concurrent_runs": "many",
      "run_coordinator.tag_concurrency_limits": '[{"key": "", "limit": 1}]',
    });
    expect(result.errors["run_coordinator.max_concurrent_runs"]).toBe("Enter a number.");
    expect(result.errors["run_coordinator.tag_concurrency_limits"]).toBeTruthy();
  });

  it("refuses JSON that does not parse", () => {
    expect(check({ "run_coordinator.tag_concurrency_limits": "[{" }).errors).toHaveProperty([
      "run_coordinator.tag_concurrency_limits",
    ]);
  });
});
