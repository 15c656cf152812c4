import { describe, expect, it } from "vitest";
import type { JsonSchemaDocument, RunConfig } from "../../protocol";
import { pointerToDottedPath, validateRunConfig } from "./validate-run-config";

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  properties,
  required,
});

/** The shape a code location serves: `{ops: {<node>: {config}}}`, closed to unknown keys. */
const schema: JsonSchemaDocument = closed({
  ops: closed({
    greet: closed(
      {
        config: closed(
          {
            name: { type: "string" },
            times: { type: "integer", minimum: 1 },
            labels: { type: "array", items: { type: "string" } },
            "a/b": { type: "boolean" },
          },
          ["name"],
        ),
      },
      ["config"],
    ),
    sum: closed({ config: closed({ n: { type: "number" } }) }),
  }),
});

describe("validateRunConfig", () => {
  it.each<[string, RunConfig, { path: string; message: RegExp }[]]>([
    ["accepts a config that matches", { ops: { greet: { config: { name: "x", times: 2 } } } }, []],
    [
      "names a missing required field by its own path",
      { ops: { greet: { config: {} } } },
      [{ path: "ops.greet.config.name", message: /required/ }],
    ],
    [
      "names a field of the wrong type",
      { ops: { greet: { config: { name: 3 } } } },
      [{ path: "ops.greet.config.name", message: /string/ }],
    ],
    [
      "names a value out of range",
      { ops: { greet: { config: { name: "x", times: 0 } } } },
      [{ path: "ops.greet.config.times", message: /less than 1/ }],
    ],
    [
      "names an array element by its index",
      { ops: { greet: { config: { name: "x", labels: ["a", 2] } } } },
      [{ path: "ops.greet.config.labels.1", message: /string/ }],
    ],
    [
      "names an unknown field of a closed object",
      { ops: { greet: { config: { name: "x", nmae: "y" } } } },
      [{ path: "ops.greet.config.nmae", message: /not a field/ }],
    ],
    [
      "names an unknown op",
      { ops: { greet: { config: { name: "x" } }, nope: {} } },
      [{ path: "ops.nope", message: /not a field/ }],
    ],
    [
      "unescapes a JSON Pointer segment with a slash",
      { ops: { greet: { config: { name: "x", "a/b": "yes" } } } },
      [{ path: "ops.greet.config.a/b", message: /boolean/ }],
    ],
    ["reports a required op config", { ops: { greet: {} } }, [{ path: "ops.greet.config", message: /required/ }]],
  ])("%s", (_name, runConfig, expected) => {
    const issues = validateRunConfig(schema, runConfig);
    expect(issues.map((i) => i.path)).toEqual(expected.map((e) => e.path));
    issues.forEach((issue, i) => {
      expect(issue.message).toMatch(expected[i]?.message ?? /^$/);
    });
  });

  it("reports every problem at once, not only the first", () => {
    const issues = validateRunConfig(schema, {
      ops: { greet: { config: { times: 0, extra: 1 } }, sum: { config: { n: "1" } } },
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["ops.greet.config.extra", "ops.greet.config.name", "ops.greet.config.times", "ops.sum.config.n"].sort(),
    );
  });
});

describe("pointerToDottedPath", () => {
  it.each([
    ["#", ""],
    ["#/ops", "ops"],
    ["#/ops/greet/config/name", "ops.greet.config.name"],
    ["#/a~1b/c~0d", "a/b.c~d"],
    ["#/with%20space", "with space"],
  ])("turns %s into %j", (pointer, dotted) => {
    expect(pointerToDottedPath(pointer)).toBe(dotted);
  });
});
