import { describe, expect, it } from "vitest";
import { checkConfig, makeValidator, placeIssues } from "./validate";

const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["ops"],
  additionalProperties: false,
  properties: {
    ops: {
      type: "object",
      required: ["hello"],
      additionalProperties: false,
      properties: {
        hello: {
          type: "object",
          required: ["config"],
          additionalProperties: false,
          properties: {
            config: {
              type: "object",
              required: ["name"],
              additionalProperties: false,
              properties: { name: { type: "string", minLength: 1 }, times: { type: "integer" } },
            },
          },
        },
      },
    },
  },
};
const validator = makeValidator(SCHEMA);
const config = (inner: string) => `{\n  "ops": {\n    "hello": {\n      "config": ${inner}\n    }\n  }\n}`;

describe("checking a run config as the user types", () => {
  it("accepts a config that matches the schema", () => {
    expect(checkConfig(config('{ "name": "Ada" }'), validator)).toEqual({
      ok: true,
      value: { ops: { hello: { config: { name: "Ada" } } } },
    });
  });

  it.each([
    ['{ "name": 42 }', "ops.hello.config.name", 4, "must be a string, not a number"],
    ['{ "name": "" }', "ops.hello.config.name", 4, "must not be empty"],
    ["{}", "ops.hello.config", 4, 'missing required field "name"'],
    ['{ "name": "Ada", "nmae": 1 }', "ops.hello.config.nmae", 4, '"nmae" is not a field here'],
    ['{ "name": "Ada", "times": 1.5 }', "ops.hello.config.times", 4, "must be an integer, not a number"],
  ])("puts the problem with %s at %s, line %i", (inner, path, line, message) => {
    const result = checkConfig(config(inner), validator);
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ path, line, message })] });
  });

  it("reports only the deepest problem, not each enclosing object", () => {
    const result = checkConfig(config('{ "name": 42 }'), validator);
    expect(result.ok ? [] : result.problems).toHaveLength(1);
  });

  it("reports a syntax error with its line and column", () => {
    const result = checkConfig('{\n  "ops": {\n    "hello": oops\n  }\n}', validator);
    expect(result).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({ path: "(syntax)", line: 3, message: expect.stringContaining("line 3, column 14") }),
      ],
    });
  });

  it("refuses a config that is not an object", () => {
    expect(checkConfig("[1]", validator)).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining("object") }],
    });
  });

  it("places the control plane's own issues on their lines", () => {
    const text = config('{ "name": "Ada" }');
    expect(placeIssues(text, [{ path: "ops.hello.config.name", message: "taken" }])).toEqual([
      { pointer: "/ops/hello/config/name", path: "ops.hello.config.name", line: 4, message: "taken" },
    ]);
  });
});
