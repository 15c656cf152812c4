/**
 * Where a run of an agent location goes (pure): among the location's connected agents with free
 * capacity, the least loaded (fewest runs), then the longest idle (its last placement the oldest),
 * then the smallest id, so the choice is the same on every replay. Never above an agent's
 * `--max-runs`: an agent that is full is not a candidate, and when none has room the run stays
 * queued (agent-capacity.ts gives the reason). Agents whose last ping is too old are skipped: they
 * may be dead and are about to be declared lost. Dagster+'s agents pull work; here the run
 * coordinator pushes it to the agent it picks, so the rule is ours to state.
 */
export type AgentLoad = {
  readonly id: string;
  readonly maxRuns: number;
  readonly running: number;
  /** When it was last given a run (or connected, if never): the older, the longer idle. */
  readonly lastPlacedAt: number;
  readonly lastPingAt: number;
};

/** Whether the agent can take one more run now: room below its max, and a recent ping. */
export function hasFreeCapacity(agent: AgentLoad, now: number, pingTimeoutMs: number): boolean {
  return agent.running < agent.maxRuns && now - agent.lastPingAt <= pingTimeoutMs;
}

/** The agent to place the next run on, or null when every agent is full (or silent). */
export function pickAgent(agents: readonly AgentLoad[], now: number, pingTimeoutMs: number): AgentLoad | null {
  let best: AgentLoad | null = null;
  for (const agent of agents) {
    if (!hasFreeCapacity(agent, now, pingTimeoutMs)) continue;
    if (best === null || isBetter(agent, best)) best = agent;
  }
  return best;
}

function isBetter(a: AgentLoad, b: AgentLoad): boolean {
  if (a.running !== b.running) return a.running < b.running;
  if (a.lastPlacedAt !== b.lastPlacedAt) return a.lastPlacedAt < b.lastPlacedAt;
  return a.id < b.id;
}

/**
 * Places `count` runs one after another, each counting toward the next: the agent of each, in
 * order, and null for each run that found no room. Returns the agents' loads afterwards too.
 */
export function placeRuns(
  agents: readonly AgentLoad[],
  count: number,
  now: number,
  pingTimeoutMs: number,
): { placements: (string | null)[]; agents: AgentLoad[] } {
  let loads = [...agents];
  const placements: (string | null)[] = [];
  for (let i = 0; i < count; i++) {
    const chosen = pickAgent(loads, now, pingTimeoutMs);
    placements.push(chosen?.id ?? null);
    if (chosen) {
      loads = loads.map((a) => (a.id === chosen.id ? { ...a, running: a.running + 1, lastPlacedAt: now } : a));
    }
  }
  return { placements, agents: loads };
}

/** How much a location's agents can take: the sum of their max runs, and how many they run. */
export function locationCapacity(
  agents: readonly AgentLoad[],
  now: number,
  pingTimeoutMs: number,
): { capacity: number; inUse: number; agents: number } {
  const live = agents.filter((a) => now - a.lastPingAt <= pingTimeoutMs);
  return {
    capacity: live.reduce((sum, a) => sum + a.maxRuns, 0),
    inUse: live.reduce((sum, a) => sum + Math.min(a.running, a.maxRuns), 0),
    agents: live.length,
  };
}

/** An agent's load as an evaluation sees it: its runs, and the evaluations it has not answered yet. */
export type EvaluatorLoad = AgentLoad & { readonly evaluating: number };

/**
 * The agent to evaluate a schedule tick or a sensor on, or null when none of the location's agents
 * pinged recently. An evaluation takes no run capacity, so a full agent may evaluate; the least
 * loaded goes first (fewest unanswered evaluations, then fewest runs), then the smallest id, so one
 * slow function does not hold up the location's other ticks while another agent is free.
 */
export function pickEvaluator(agents: readonly EvaluatorLoad[], now: number, pingTimeoutMs: number): string | null {
  let best: EvaluatorLoad | null = null;
  for (const agent of agents) {
    if (now - agent.lastPingAt > pingTimeoutMs) continue;
    if (best === null || isLessBusy(agent, best)) best = agent;
  }
  return best?.id ?? null;
}

function isLessBusy(a: EvaluatorLoad, b: EvaluatorLoad): boolean {
  if (a.evaluating !== b.evaluating) return a.evaluating < b.evaluating;
  if (a.running !== b.running) return a.running < b.running;
  return a.id < b.id;
}
