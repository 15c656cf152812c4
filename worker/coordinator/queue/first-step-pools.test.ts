import { describe, expect, it } from "vitest";
import { firstStepPoolsOf } from "./first-step-pools";

type Node = {
  name: string;
  pool?: string | null;
  inputs: { name: string; description: null; from: { node: string; output: string } | null }[];
};

const node = (name: string, pool: string | null, upstream: string[] = []): Node => ({
  name,
  pool,
  inputs: upstream.map((from, i) => ({ name: `in${i}`, description: null, from: { node: from, output: "result" } })),
});

describe("firstStepPoolsOf", () => {
  it("counts the pools of the steps with no upstream step", () => {
    const nodes = [node("a", "warehouse"), node("b", "warehouse"), node("c", "s3", ["a", "b"])];
    expect(firstStepPoolsOf(nodes)).toEqual({ warehouse: 2 });
  });

  it("is null when a first step needs no pool: that step can always start (Dagster's unconstrained root)", () => {
    expect(firstStepPoolsOf([node("a", "warehouse"), node("b", null), node("c", "s3", ["a"])])).toBeNull();
    expect(firstStepPoolsOf([node("a", undefined as unknown as null)])).toBeNull();
  });

  it("is null for a job with no steps", () => {
    expect(firstStepPoolsOf([])).toBeNull();
  });

  it("takes a re-execution's first steps among the steps it executes", () => {
    const nodes = [node("extract", null), node("load", "warehouse", ["extract"]), node("report", "bi", ["load"])];
    expect(firstStepPoolsOf(nodes)).toBeNull();
    expect(firstStepPoolsOf(nodes, ["load", "report"])).toEqual({ warehouse: 1 });
    expect(firstStepPoolsOf(nodes, ["report"])).toEqual({ bi: 1 });
  });

  it("keeps a pool named like an object's prototype as a plain key", () => {
    const needs = firstStepPoolsOf([node("a", "__proto__"), node("b", "__proto__")]);
    expect(Object.entries(needs ?? {})).toEqual([["__proto__", 2]]);
    expect(JSON.parse(JSON.stringify(needs))).toEqual(needs);
  });

  it("ignores an input fed by a step outside the run", () => {
    expect(firstStepPoolsOf([node("b", "warehouse", ["gone"])])).toEqual({ warehouse: 1 });
  });
});
