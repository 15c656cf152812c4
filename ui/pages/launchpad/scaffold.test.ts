import { describe, expect, it } from "vitest";
import { initialConfigText, scaffoldFromSchema } from "./scaffold";

describe("the launchpad's scaffold", () => {
  it("uses the job's default run config when it has one", () => {
    expect(JSON.parse(initialConfigText({ ops: { a: { config: { value: 1 } } } }, {}))).toEqual({
      ops: { a: { config: { value: 1 } } },
    });
  });

  it("otherwise fills every field with its default or an empty value of its type", () => {
    const schema = {
      type: "object",
      properties: {
        ops: {
          type: "object",
          properties: {
            hello: {
              type: "object",
              properties: {
                config: {
                  type: "object",
                  properties: {
                    name: { type: "string" },
                    times: { type: "integer", minimum: 1 },
                    loud: { type: "boolean", default: true },
                    mode: { enum: ["a", "b"] },
                    tags: { type: "array" },
                  },
                },
              },
            },
          },
        },
      },
    };
    expect(scaffoldFromSchema(schema)).toEqual({
      ops: { hello: { config: { name: "", times: 1, loud: true, mode: "a", tags: [] } } },
    });
  });
});
