import { describe, expect, it } from "vitest";
import { describeWait } from "./queue";

describe("describeWait", () => {
  it("says a run of an agent location waits for an agent with free capacity, and how full its agents are", () => {
    expect(describeWait({ reason: "agent_capacity", location: "fleet", capacity: 6, in_use: 6, agents: 3 })).toBe(
      "no agent with free capacity for location fleet (6/6 runs on 3 agents)",
    );
  });
});
