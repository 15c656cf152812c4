import { describe, expect, it } from "vitest";
import { selectChosenSteps, selectStepsToReexecute } from "./reexecution-plan";

const node = (name: string, ...upstream: string[]) => ({
  name,
  inputs: upstream.map((u) => ({ name: u, description: null, from: { node: u, output: "result" } })),
});
// a → b → d, a → c → d, e alone
const graph = [node("a"), node("b", "a"), node("c", "a"), node("d", "b", "c"), node("e")];

describe("selectStepsToReexecute", () => {
  const cases: { name: string; succeeded: string[]; selected: string[] | null; expected: string[] | null }[] = [
    {
      name: "a failed last step runs only that step",
      succeeded: ["a", "b", "c", "e"],
      selected: null,
      expected: ["d"],
    },
    {
      name: "a failed middle step runs it and its downstream",
      succeeded: ["a", "c", "e"],
      selected: null,
      expected: ["b", "d"],
    },
    { name: "a step that never started is re-run", succeeded: ["a", "b", "c"], selected: null, expected: ["d", "e"] },
    {
      name: "a fully successful parent has nothing to re-execute",
      succeeded: ["a", "b", "c", "d", "e"],
      selected: null,
      expected: null,
    },
    {
      name: "steps outside the parent's selection count as done",
      succeeded: ["b"],
      selected: ["b", "d"],
      expected: ["d"],
    },
  ];
  for (const c of cases) {
    it(`FROM_FAILURE: ${c.name}`, () => {
      const result = selectStepsToReexecute(graph, "FROM_FAILURE", {
        selected: c.selected,
        succeeded: new Set(c.succeeded),
      });
      expect(result.ok ? result.stepKeys : null).toEqual(c.expected);
    });
  }

  it("ALL_STEPS runs every step in graph order, whatever the parent did", () => {
    const result = selectStepsToReexecute(graph, "ALL_STEPS", { selected: ["d"], succeeded: new Set(["a"]) });
    expect(result).toEqual({ ok: true, stepKeys: ["a", "b", "c", "d", "e"] });
  });
});

describe("selectChosenSteps", () => {
  const parent = { selected: null, succeeded: new Set(["a", "b", "e"]) };
  it("runs exactly the chosen steps, in graph order", () => {
    expect(selectChosenSteps(graph, ["c", "b"], false, parent)).toEqual({ ok: true, stepKeys: ["b", "c"] });
  });
  it("adds everything downstream with includeDownstream (Dagster's `step*`)", () => {
    expect(selectChosenSteps(graph, ["c"], true, parent)).toEqual({ ok: true, stepKeys: ["c", "d"] });
  });
  it("refuses a step the job lacks", () => {
    expect(selectChosenSteps(graph, ["c", "x"], false, parent)).toMatchObject({ ok: false, code: "unknown_steps" });
  });
  it("refuses a selection reading an output the parent never made, naming the step to add", () => {
    const result = selectChosenSteps(graph, ["d"], false, parent);
    expect(result).toMatchObject({ ok: false, code: "upstream_not_available" });
    expect(result.ok ? "" : result.reason).toContain('"c"');
  });
  it("takes a step the parent reused from an ancestor as available", () => {
    const reexecuted = { selected: ["c", "d"], succeeded: new Set<string>() };
    expect(selectChosenSteps(graph, ["c"], false, reexecuted)).toEqual({ ok: true, stepKeys: ["c"] });
  });
});
