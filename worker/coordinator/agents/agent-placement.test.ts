import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AgentLoad, locationCapacity, pickAgent, pickEvaluator, placeRuns } from "./agent-placement";

const NOW = 1_000_000;
const TIMEOUT = 5_000;

function agent(id: string, running: number, maxRuns: number, lastPlacedAt = 0, lastPingAt = NOW): AgentLoad {
  return { id, running, maxRuns, lastPlacedAt, lastPingAt };
}

describe("pickAgent", () => {
  it.each([
    ["the least loaded agent", [agent("a", 2, 4), agent("b", 1, 4), agent("c", 3, 4)], "b"],
    [
      "the longest idle among the least loaded",
      [agent("a", 1, 4, 500), agent("b", 1, 4, 100), agent("c", 2, 4, 0)],
      "b",
    ],
    ["the smallest id when all else ties", [agent("b", 0, 1, 7), agent("a", 0, 1, 7)], "a"],
    ["an agent with room over a full one that is less loaded", [agent("a", 1, 1), agent("b", 3, 8)], "b"],
    ["no agent when every agent is full", [agent("a", 2, 2), agent("b", 1, 1)], null],
    [
      "no agent when the only one with room has gone silent",
      [agent("a", 0, 4, 0, NOW - TIMEOUT - 1), agent("b", 1, 1)],
      null,
    ],
    ["no agent when there is none", [], null],
  ])("chooses %s", (_name, agents, expected) => {
    expect(pickAgent(agents, NOW, TIMEOUT)?.id ?? null).toBe(expected);
  });
});

describe("placeRuns", () => {
  it("spreads runs over agents before doubling up, and leaves the rest unplaced when all are full", () => {
    const { placements } = placeRuns([agent("a", 0, 2), agent("b", 0, 2), agent("c", 0, 1)], 6, NOW, TIMEOUT);
    expect(placements).toEqual(["a", "b", "c", "a", "b", null]);
  });

  const agents = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      maxRuns: fc.integer({ min: 1, max: 5 }),
      running: fc.integer({ min: 0, max: 6 }),
      lastPlacedAt: fc.integer({ min: 0, max: NOW }),
      lastPingAt: fc.integer({ min: NOW - 2 * TIMEOUT, max: NOW }),
    }),
    { selector: (a) => a.id, maxLength: 6 },
  );

  it("never puts an agent above its max runs, and places exactly as many runs as there is free room", () => {
    fc.assert(
      fc.property(agents, fc.integer({ min: 0, max: 40 }), (loads, count) => {
        const { placements, agents: after } = placeRuns(loads, count, NOW, TIMEOUT);
        const free = loads
          .filter((a) => NOW - a.lastPingAt <= TIMEOUT)
          .reduce((sum, a) => sum + Math.max(0, a.maxRuns - a.running), 0);
        expect(placements.filter((p) => p !== null)).toHaveLength(Math.min(count, free));
        for (const before of loads) {
          const added = placements.filter((p) => p === before.id).length;
          const now = after.find((a) => a.id === before.id);
          expect(now?.running).toBe(before.running + added);
          if (added > 0) expect(now?.running).toBeLessThanOrEqual(before.maxRuns);
        }
        // Once a run finds no room, no later run does either.
        const firstMiss = placements.indexOf(null);
        if (firstMiss >= 0) expect(placements.slice(firstMiss).every((p) => p === null)).toBe(true);
      }),
    );
  });

  it("gives each run to an agent no more loaded than any other agent with room", () => {
    fc.assert(
      fc.property(agents, (loads) => {
        const chosen = pickAgent(loads, NOW, TIMEOUT);
        if (!chosen) return;
        for (const other of loads) {
          if (other.running < other.maxRuns && NOW - other.lastPingAt <= TIMEOUT) {
            expect(chosen.running).toBeLessThanOrEqual(other.running);
          }
        }
      }),
    );
  });
});

describe("locationCapacity", () => {
  it("sums the max runs and runs of the agents that still ping", () => {
    const loads = [agent("a", 1, 2), agent("b", 3, 3), agent("c", 1, 4, 0, NOW - TIMEOUT - 1)];
    expect(locationCapacity(loads, NOW, TIMEOUT)).toEqual({ capacity: 5, inUse: 4, agents: 2 });
  });
});

describe("pickEvaluator", () => {
  const evaluator = (id: string, evaluating: number, running: number, lastPingAt = NOW) => ({
    ...agent(id, running, 1, 0, lastPingAt),
    evaluating,
  });

  it.each([
    ["the agent with the fewest unanswered evaluations", [evaluator("a", 2, 0), evaluator("b", 1, 5)], "b"],
    ["the one with the fewest runs among those", [evaluator("a", 1, 3), evaluator("b", 1, 2)], "b"],
    ["a full agent: an evaluation takes no run capacity", [evaluator("a", 0, 1)], "a"],
    ["the smallest id when all else ties", [evaluator("b", 0, 0), evaluator("a", 0, 0)], "a"],
    ["no agent when the only one has gone silent", [evaluator("a", 0, 0, NOW - TIMEOUT - 1)], null],
    ["no agent when there is none", [], null],
  ])("chooses %s", (_name, agents, expected) => {
    expect(pickEvaluator(agents, NOW, TIMEOUT)).toBe(expected);
  });

  it("chooses an agent that pings, none busier than another that pings, whenever one pings", () => {
    const loads = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        maxRuns: fc.integer({ min: 1, max: 5 }),
        running: fc.integer({ min: 0, max: 6 }),
        evaluating: fc.integer({ min: 0, max: 4 }),
        lastPlacedAt: fc.constant(0),
        lastPingAt: fc.integer({ min: NOW - 2 * TIMEOUT, max: NOW }),
      }),
      { selector: (a) => a.id, maxLength: 6 },
    );
    fc.assert(
      fc.property(loads, (agents) => {
        const live = agents.filter((a) => NOW - a.lastPingAt <= TIMEOUT);
        const chosen = live.find((a) => a.id === pickEvaluator(agents, NOW, TIMEOUT));
        expect(chosen === undefined).toBe(live.length === 0);
        for (const other of live) expect(chosen?.evaluating).toBeLessThanOrEqual(other.evaluating);
      }),
    );
  });
});
