import { describe, expect, it } from "vitest";
import { seedFromRun } from "./from-run";

describe("the launchpad seeded from a run", () => {
  it("keeps the config, the user's tags and the priority, and drops what only Flightdeck sets", () => {
    const seed = seedFromRun({
      run_config: { ops: { greet: { config: { name: "Ada" } } } },
      priority: 5,
      tags: {
        team: "data",
        "flightdeck/priority": "5",
        "flightdeck/max_retries": "2",
        "flightdeck/schedule": "nightly",
        "flightdeck/parent_run_id": "r1",
      },
    });
    expect(JSON.parse(seed.configText)).toEqual({ ops: { greet: { config: { name: "Ada" } } } });
    expect(seed.tags).toEqual([
      { key: "team", value: "data" },
      { key: "flightdeck/max_retries", value: "2" },
    ]);
    expect(seed.priority).toBe("5");
  });
});
