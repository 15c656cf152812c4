/**
 * What the Agents page shows, decided without the DOM: the connected agents grouped by the code
 * location they serve, every agent location listed even when no agent is connected (its runs wait
 * in the queue), and whether a location's agents serve different definitions versions — agents
 * of one location mid-deploy, some restarted on new code and some not yet (Dagster+ shows the
 * same for its agents' code servers).
 */
import type { Agent } from "../../../protocol/agents";

export type AgentGroup = {
  location: string;
  /** Oldest connection first: the order agents came up in. */
  agents: Agent[];
  /** The distinct definitions versions its agents serve, most served first. */
  versions: string[];
  /** True when its agents serve more than one version. */
  midDeploy: boolean;
};

/** `agentLocations`: the code locations served by agents (URL `agent://…`), connected or not. */
export function groupAgents(agents: readonly Agent[], agentLocations: readonly string[]): AgentGroup[] {
  const byLocation = new Map<string, Agent[]>();
  for (const location of agentLocations) byLocation.set(location, []);
  for (const agent of agents) byLocation.set(agent.location, [...(byLocation.get(agent.location) ?? []), agent]);
  return [...byLocation.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([location, served]) => {
      const sorted = [...served].sort((a, b) => a.connected_at - b.connected_at || (a.id < b.id ? -1 : 1));
      const versions = distinctVersions(sorted);
      return { location, agents: sorted, versions, midDeploy: versions.length > 1 };
    });
}

function distinctVersions(agents: readonly Agent[]): string[] {
  const counts = new Map<string, number>();
  for (const agent of agents) counts.set(agent.definitions_version, (counts.get(agent.definitions_version) ?? 0) + 1);
  return [...counts.entries()].sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : 1)).map(([version]) => version);
}

/** A definitions version short enough to read (they are digests); the full one is in the title. */
export function shortVersion(version: string): string {
  return version.length > 12 ? `${version.slice(0, 12)}…` : version;
}
