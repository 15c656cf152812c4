/**
 * Agent capacity as one more limit of an admission pass (pure): a run of an agent location
 * launches only while the location's connected agents have a free run between them, and each run
 * the pass admits takes one. A run that finds none waits with the reason `agent_capacity` ("no
 * agent with free capacity for location L"). Runs of other (pushed) locations are not limited here.
 */
import type { WaitReason } from "../../../protocol/queue";

export type AgentLocationCapacity = {
  readonly location: string;
  readonly capacity: number;
  readonly inUse: number;
  /** Connected agents (with a recent ping). */
  readonly agents: number;
};

export interface LocationCapacity {
  /** Why the run cannot launch for want of an agent, or null (room, or not an agent location). */
  reasonFor(run: { readonly location?: string | null }): WaitReason | null;
  /** The run was admitted: it takes one of its location's free runs. */
  take(run: { readonly location?: string | null }): void;
}

export function agentCapacityReason(usage: AgentLocationCapacity): WaitReason {
  return {
    reason: "agent_capacity",
    location: usage.location,
    capacity: usage.capacity,
    in_use: usage.inUse,
    agents: usage.agents,
  };
}

/** A pass's view of the agent locations' capacity; `locations` holds every agent location, connected or not. */
export function trackAgentCapacity(locations: Iterable<AgentLocationCapacity>): LocationCapacity {
  const byLocation = new Map<string, AgentLocationCapacity>();
  for (const usage of locations) byLocation.set(usage.location, usage);
  return {
    reasonFor(run) {
      const usage = run.location ? byLocation.get(run.location) : undefined;
      if (!usage || usage.inUse < usage.capacity) return null;
      return agentCapacityReason(usage);
    },
    take(run) {
      const usage = run.location ? byLocation.get(run.location) : undefined;
      if (usage) byLocation.set(usage.location, { ...usage, inUse: usage.inUse + 1 });
    },
  };
}
