import { describe, expect, it } from "vitest";
import { InstanceConfigOverridesSchema } from "../../protocol";
import { parseValue, patchFor } from "./instance";

describe("flightdeck instance set", () => {
  it("turns a dotted path and a value into the deep-partial override PATCH /api/instance takes", () => {
    const patch = patchFor("run_coordinator.max_concurrent_runs", parseValue("4"));
    expect(patch).toEqual({ run_coordinator: { max_concurrent_runs: 4 } });
    expect(InstanceConfigOverridesSchema.safeParse(patch).success).toBe(true);
  });

  it("reads values as JSON when they are JSON, else as strings", () => {
    expect(parseValue("true")).toBe(true);
    expect(parseValue('[{"key": "team", "limit": 2}]')).toEqual([{ key: "team", limit: 2 }]);
    expect(parseValue("FROM_FAILURE")).toBe("FROM_FAILURE");
  });
});
