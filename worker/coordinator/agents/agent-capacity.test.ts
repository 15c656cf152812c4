import { describe, expect, it } from "vitest";
import type { RunCoordinatorConfig } from "../../../protocol";
import { selectRunsToLaunch } from "../queue/queue-policy";
import { trackAgentCapacity } from "./agent-capacity";

const config: Pick<RunCoordinatorConfig, "type" | "max_concurrent_runs" | "tag_concurrency_limits" | "paused"> = {
  type: "queued",
  max_concurrent_runs: 10,
  tag_concurrency_limits: [],
  paused: false,
};

const run = (id: string, location: string, enqueuedAt: number) => ({ id, tags: {}, enqueuedAt, location });

describe("agent capacity in an admission pass", () => {
  it("admits an agent location's runs up to its free runs, leaves the rest queued with the reason, and never limits pushed locations", () => {
    const agentCapacity = trackAgentCapacity([{ location: "fleet", capacity: 3, inUse: 1, agents: 2 }]);
    const queued = [run("r1", "fleet", 1), run("r2", "pushed", 2), run("r3", "fleet", 3), run("r4", "fleet", 4)];
    const { launch, waiting } = selectRunsToLaunch({ queued, inProgress: [], config, paused: false, agentCapacity });
    expect(launch.map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
    expect(waiting).toEqual([
      { runId: "r4", reason: { reason: "agent_capacity", location: "fleet", capacity: 3, in_use: 3, agents: 2 } },
    ]);
  });

  it("keeps every run of an agent location with no agent connected queued", () => {
    const agentCapacity = trackAgentCapacity([{ location: "fleet", capacity: 0, inUse: 0, agents: 0 }]);
    const { launch, waiting } = selectRunsToLaunch({
      queued: [run("r1", "fleet", 1)],
      inProgress: [],
      config,
      paused: false,
      agentCapacity,
    });
    expect(launch).toEqual([]);
    expect(waiting[0]?.reason).toEqual({
      reason: "agent_capacity",
      location: "fleet",
      capacity: 0,
      in_use: 0,
      agents: 0,
    });
  });
});
