import { describe, expect, it } from "vitest";
import { findGraphProblems, type NodeToValidate, type OpShape } from "./graph-validation";

const handle = (node: string, output = "result") => ({ kind: "output_handle", node, output });
const ops = new Map<string, OpShape>([
  ["source", { inputs: [], outputs: ["result"] }],
  ["step", { inputs: ["n"], outputs: ["result"] }],
  ["pair", { inputs: ["left", "right"], outputs: ["sum", "product"] }],
]);

describe("findGraphProblems", () => {
  const cases: { name: string; job?: string; nodes: NodeToValidate[]; problems: string[] }[] = [
    {
      name: "accepts a well-wired graph",
      nodes: [
        { name: "a", op: "source", inputs: {} },
        { name: "b", op: "step", inputs: { n: handle("a") } },
        { name: "c", op: "step", inputs: { n: handle("a") } },
        { name: "d", op: "pair", inputs: { left: handle("b"), right: handle("c") } },
      ],
      problems: [],
    },
    {
      name: "names a node used twice and how to alias it",
      nodes: [
        { name: "source", op: "source", inputs: {} },
        { name: "source", op: "source", inputs: {} },
      ],
      problems: [
        'job "j", node "source": the name is used twice; give one invocation another name with source.alias("...")',
      ],
    },
    {
      name: "names an input that is not wired",
      nodes: [{ name: "b", op: "step", inputs: {} }],
      problems: ['job "j", node "b": input "n" of op "step" is not wired'],
    },
    {
      name: "names an input the op does not have",
      nodes: [
        { name: "a", op: "source", inputs: {} },
        { name: "b", op: "step", inputs: { n: handle("a"), m: handle("a") } },
      ],
      problems: ['job "j", node "b": op "step" has no input "m" (it has: n)'],
    },
    {
      name: "refuses a plain value where an output handle belongs",
      nodes: [{ name: "b", op: "step", inputs: { n: 3 } }],
      problems: ['job "j", node "b": input "n" must be an output of another op in this graph, not a plain value'],
    },
    {
      name: "names an upstream node that is not in the job",
      nodes: [{ name: "b", op: "step", inputs: { n: handle("elsewhere") } }],
      problems: ['job "j", node "b": input "n" comes from node "elsewhere", which is not in this job'],
    },
    {
      name: "names an upstream output that does not exist",
      nodes: [
        { name: "p", op: "pair", inputs: { left: handle("s"), right: handle("s") } },
        { name: "s", op: "source", inputs: {} },
        { name: "b", op: "step", inputs: { n: handle("p", "result") } },
      ],
      problems: ['job "j", node "b": input "n" comes from output "result" that node "p" lacks'],
    },
    {
      name: "names an unknown op",
      nodes: [{ name: "x", op: "mystery", inputs: {} }],
      problems: ['job "j", node "x": op "mystery" is unknown'],
    },
    {
      name: "reports a cycle with its path",
      nodes: [
        { name: "a", op: "step", inputs: { n: handle("b") } },
        { name: "b", op: "step", inputs: { n: handle("a") } },
      ],
      problems: ['job "j", node "b": nodes form a cycle: b → a → b'],
    },
    {
      name: "refuses names the wire cannot carry",
      job: "my-job",
      nodes: [{ name: "1st", op: "source", inputs: {} }],
      problems: [
        'job name "my-job" is invalid: use letters, digits and underscores, not starting with a digit',
        'job "my-job", node "1st": the node name is invalid: use letters, digits and underscores, not starting with a digit',
      ],
    },
    { name: "refuses an empty job", nodes: [], problems: ['job "j" has no ops: invoke at least one op in its graph'] },
  ];

  for (const { name, job, nodes, problems } of cases) {
    it(name, () => {
      expect(findGraphProblems(job ?? "j", nodes, ops)).toEqual(problems);
    });
  }
});
