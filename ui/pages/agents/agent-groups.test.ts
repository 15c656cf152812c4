import { describe, expect, it } from "vitest";
import type { Agent } from "../../../protocol/agents";
import { groupAgents, shortVersion } from "./agent-groups";

const agent = (id: string, location: string, version: string, connectedAt: number): Agent => ({
  id,
  location,
  definitions_version: version,
  max_runs: 2,
  running_runs: [],
  connected_at: connectedAt,
  last_ping_at: connectedAt,
  host: "box (pid 1)",
});

describe("groupAgents", () => {
  it("groups agents by location, oldest connection first, locations by name", () => {
    const groups = groupAgents(
      [agent("a2", "fleet", "v1", 20), agent("a1", "fleet", "v1", 10), agent("b", "alpha", "v1", 5)],
      [],
    );
    expect(groups.map((g) => g.location)).toEqual(["alpha", "fleet"]);
    expect(groups[1]?.agents.map((a) => a.id)).toEqual(["a1", "a2"]);
    expect(groups[1]?.midDeploy).toBe(false);
  });

  it("lists an agent location with no connected agent, as empty", () => {
    const groups = groupAgents([agent("a", "fleet", "v1", 1)], ["fleet", "idle"]);
    expect(groups.map((g) => [g.location, g.agents.length])).toEqual([
      ["fleet", 1],
      ["idle", 0],
    ]);
  });

  it("flags a location whose agents serve different versions, the most served first", () => {
    const groups = groupAgents(
      [agent("a", "fleet", "new", 1), agent("b", "fleet", "old", 2), agent("c", "fleet", "old", 3)],
      ["fleet"],
    );
    expect(groups[0]?.midDeploy).toBe(true);
    expect(groups[0]?.versions).toEqual(["old", "new"]);
  });
});

describe("shortVersion", () => {
  it("shortens digests and keeps short versions", () => {
    expect(shortVersion("abc")).toBe("abc");
    expect(shortVersion("0123456789abcdef")).toBe("0123456789ab…");
  });
});
