/**
 * The layering DESIGN.md §1 draws, checked on the import graph: `protocol/` is the ground floor,
 * `runner/` and `ui/` stand on it and never reach into `worker/`; the run coordinator Durable
 * Object sits at the bottom of the Worker, so no import path leads from it back to itself; and no
 * product module exports a name that nothing uses.
 */
import { describe, expect, it } from "vitest";
import { circlesThrough, importedNamesByFile, readGraph } from "./import-graph";

const graph = readGraph();
const PRODUCT = /^(protocol|worker|runner|ui)\//;
const isTestSupport = (file: string) => /\.test\.tsx?$|\/test\/|\/testing\//.test(file);
/** Entry points: their exports are for wrangler, the runner's bundle and the package's users, not for imports. */
const ENTRY_POINTS = new Set(["worker/index.ts", "runner/bundle-entry.ts", "runner/sdk/index.ts", "ui/main.tsx"]);

describe("layering", () => {
  it.each(["protocol/", "runner/", "ui/"])("nothing in %s imports worker/", (part) => {
    const crossings = [...graph.values()].flatMap((file) =>
      file.path.startsWith(part)
        ? [...file.imports].filter((to) => to.startsWith("worker/")).map((to) => `${file.path} → ${to}`)
        : [],
    );
    expect(crossings).toEqual([]);
  });

  it("protocol/ imports nothing but itself (and zod)", () => {
    const crossings = [...graph.values()].flatMap((file) =>
      file.path.startsWith("protocol/")
        ? [...file.imports].filter((to) => !to.startsWith("protocol/")).map((to) => `${file.path} → ${to}`)
        : [],
    );
    expect(crossings).toEqual([]);
  });

  it("no import circle passes through the run coordinator Durable Object", () => {
    expect(circlesThrough(graph, "worker/coordinator/run-coordinator.do.ts")).toEqual([]);
  });
});

describe("exports", () => {
  it("every export of a product module is used: imported somewhere, or at least used in its own file", () => {
    const imported = importedNamesByFile(graph);
    const dead = [...graph.values()].flatMap((file) => {
      if (!PRODUCT.test(file.path) || isTestSupport(file.path) || ENTRY_POINTS.has(file.path)) return [];
      const names = imported.get(file.path);
      if (names?.has("*")) return [];
      return (
        [...file.exports]
          // `type X = z.infer<typeof XSchema>` goes with its schema, by the protocol's naming rule.
          .filter(([name, { usedInFile }]) => !usedInFile && !names?.has(name) && !file.exports.has(`${name}Schema`))
          .map(([name]) => `${file.path}: ${name}`)
      );
    });
    expect(dead).toEqual([]);
  });
});
