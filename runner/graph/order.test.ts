import { describe, expect, it } from "vitest";
import { type GraphNode, orderNodes } from "./order";

const node = (name: string, ...upstream: string[]): GraphNode => ({ name, upstream });

describe("orderNodes", () => {
  const ordered: { name: string; nodes: GraphNode[]; order: string[] }[] = [
    { name: "keeps a single node", nodes: [node("a")], order: ["a"] },
    {
      name: "puts a chain in dependency order",
      nodes: [node("c", "b"), node("b", "a"), node("a")],
      order: ["a", "b", "c"],
    },
    {
      name: "orders a diamond with siblings in declaration order",
      nodes: [node("a"), node("c", "a"), node("b", "a"), node("d", "b", "c")],
      order: ["a", "c", "b", "d"],
    },
    {
      name: "keeps independent nodes in declaration order",
      nodes: [node("x"), node("y"), node("z")],
      order: ["x", "y", "z"],
    },
    { name: "ignores upstream names that are not nodes", nodes: [node("a", "ghost")], order: ["a"] },
    { name: "returns nothing for an empty graph", nodes: [], order: [] },
  ];
  for (const { name, nodes, order } of ordered) {
    it(name, () => {
      expect(orderNodes(nodes)).toEqual({ ok: true, order });
    });
  }

  const cyclic: { name: string; nodes: GraphNode[]; cycle: string[] }[] = [
    { name: "reports a node that consumes itself", nodes: [node("a", "a")], cycle: ["a", "a"] },
    {
      name: "reports a two-node cycle in data-flow direction",
      nodes: [node("a", "b"), node("b", "a")],
      cycle: ["b", "a", "b"],
    },
    {
      name: "reports the cycle, not the nodes merely downstream of it",
      nodes: [node("root"), node("x", "root", "z"), node("y", "x"), node("z", "y"), node("after", "z")],
      cycle: ["y", "z", "x", "y"],
    },
  ];
  for (const { name, nodes, cycle } of cyclic) {
    it(name, () => {
      expect(orderNodes(nodes)).toEqual({ ok: false, cycle });
    });
  }
});
