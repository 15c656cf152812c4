import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DefinitionError } from "./graph-validation";
import { defineJob } from "./job";
import { defineOp, In, Out } from "./op";

const one = defineOp({ name: "one", run: () => 1 });
const inc = defineOp({ name: "inc", ins: { n: In<number>() }, run: (_ctx, { n }) => n + 1 });
const split = defineOp({
  name: "split",
  ins: { n: In<number>() },
  outs: { low: Out<number>(), high: Out<number>() },
  run: (_ctx, { n }) => ({ low: n - 1, high: n + 1 }),
});

describe("defineJob", () => {
  it("places aliased invocations of one op as separate nodes in dependency order", () => {
    const job = defineJob({
      name: "twice",
      graph: () => {
        const first = one();
        inc.alias("second")({ n: inc({ n: first }) });
      },
    });
    expect(job.nodes.map((n) => [n.name, n.op.name, n.upstream])).toEqual([
      ["one", "one", []],
      ["inc", "inc", ["one"]],
      ["second", "inc", ["inc"]],
    ]);
  });

  it("wires each of several outputs to its own consumer", () => {
    const job = defineJob({
      name: "fan",
      graph: () => {
        const { low, high } = split({ n: one() });
        inc.alias("from_low")({ n: low });
        inc.alias("from_high")({ n: high });
      },
    });
    expect(job.nodes.find((n) => n.name === "from_high")?.inputs).toEqual([
      { name: "n", from: { node: "split", output: "high" } },
    ]);
  });

  it("throws one DefinitionError that names the job and every bad node", () => {
    const define = () =>
      defineJob({
        name: "broken",
        graph: () => {
          one();
          one();
          inc({ n: 5 as never });
        },
      });
    expect(define).toThrow(DefinitionError);
    expect(define).toThrow(/Invalid job "broken":\n {2}- job "broken", node "one": the name is used twice/);
    expect(define).toThrow(/node "inc": input "n" must be an output of another op/);
  });

  it("refuses an op called outside any graph", () => {
    expect(() => one()).toThrow(/called outside a job's graph/);
  });

  it("refuses two different ops that share a name", () => {
    const impostor = defineOp({ name: "one", config: z.object({}), run: () => 2 });
    expect(() => defineJob({ name: "clash", graph: () => inc({ n: impostor.alias("x")() }) && one() })).toThrow(
      /two different ops are named "one"/,
    );
  });
});
