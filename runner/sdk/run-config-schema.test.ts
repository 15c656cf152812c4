import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pickNodeConfig, resolveOpConfig } from "./config";
import { buildDefaultRunConfig, buildRunConfigSchema, type ConfiguredNode } from "./run-config-schema";

const defaulted = z.object({ value: z.number().default(1) });
const required = z.object({ name: z.string(), loud: z.boolean().default(false) });

describe("buildRunConfigSchema", () => {
  it("describes only nodes that take config, closed to unknown keys", () => {
    const schema = buildRunConfigSchema([
      { name: "a", config: defaulted },
      { name: "b", config: null },
    ]);
    expect(schema).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        ops: {
          type: "object",
          properties: {
            a: {
              type: "object",
              properties: {
                config: {
                  type: "object",
                  properties: { value: { type: "number", default: 1 } },
                  additionalProperties: false,
                },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    });
  });

  it("requires ops, the node and its config when a field has no default", () => {
    const schema = buildRunConfigSchema([{ name: "hello", config: required }]);
    expect(schema.required).toEqual(["ops"]);
    const ops = (schema.properties as { ops: { required: string[]; properties: Record<string, unknown> } }).ops;
    expect(ops.required).toEqual(["hello"]);
    expect(ops.properties.hello).toMatchObject({
      required: ["config"],
      properties: { config: { required: ["name"], properties: { loud: { default: false } } } },
    });
  });

  it("closes nested objects too", () => {
    const nested = z.object({ inner: z.object({ x: z.string() }) });
    const ops = buildRunConfigSchema([{ name: "n", config: nested }]).properties as Record<string, unknown>;
    expect(JSON.stringify(ops)).toContain(
      '"inner":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"],"additionalProperties":false}',
    );
  });
});

describe("buildDefaultRunConfig", () => {
  const cases: { name: string; nodes: ConfiguredNode[]; expected: unknown }[] = [
    {
      name: "fills every default",
      nodes: [{ name: "a", config: defaulted }],
      expected: { ops: { a: { config: { value: 1 } } } },
    },
    { name: "is empty when no op takes config", nodes: [{ name: "a", config: null }], expected: { ops: {} } },
    {
      name: "is null when some field has no default",
      nodes: [
        { name: "a", config: defaulted },
        { name: "h", config: required },
      ],
      expected: null,
    },
  ];
  for (const { name, nodes, expected } of cases) {
    it(name, () => {
      expect(buildDefaultRunConfig(nodes)).toEqual(expected);
    });
  }
});

describe("resolveOpConfig", () => {
  it("applies defaults when the node's config is absent", () => {
    expect(resolveOpConfig(defaulted, undefined)).toEqual({ ok: true, value: { value: 1 } });
  });
  it("says which field is wrong", () => {
    expect(resolveOpConfig(required, { name: 3 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^config\.name: /),
    });
  });
  it("says config is required when it is absent and cannot be defaulted", () => {
    expect(resolveOpConfig(required, undefined)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^config is required/),
    });
  });
  it("picks a node's config out of a run config", () => {
    expect(pickNodeConfig({ ops: { a: { config: { value: 3 } } } }, "a")).toEqual({ value: 3 });
    expect(pickNodeConfig({}, "a")).toBeUndefined();
  });
});
