import { Validator } from "@cfworker/json-schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../../protocol/json";
import { completionsAt, docsAt, removeExtra, scaffoldMissing, schemasAt } from "./config-schema";

// The shape the runner generates (runner/sdk/run-config-schema.ts): ops.<node>.config, closed.
const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
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
                name: { type: "string", minLength: 1, description: "who to greet" },
                times: { type: "integer", minimum: 1, default: 1 },
                mode: { enum: ["plain", "loud"] },
                loud: { type: "boolean" },
                target: { $ref: "#/$defs/target" },
              },
              required: ["name", "target"],
              additionalProperties: false,
            },
          },
          required: ["config"],
          additionalProperties: false,
        },
        start: {
          type: "object",
          properties: {
            config: {
              type: "object",
              properties: { value: { type: "number", default: 1, description: "the number to start from" } },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      required: ["hello"],
      additionalProperties: false,
    },
  },
  required: ["ops"],
  additionalProperties: false,
  $defs: {
    target: {
      type: "object",
      properties: { host: { type: "string" }, port: { type: "integer", default: 80 } },
      required: ["host"],
      additionalProperties: false,
    },
  },
};

const validator = new Validator(SCHEMA as ConstructorParameters<typeof Validator>[0], "2020-12", false);
const unknownFieldErrors = (value: JsonValue) =>
  validator.validate(value).errors.filter((e) => e.keyword === "false" || e.keyword === "additionalProperties").length;
const missingFieldErrors = (value: JsonValue) =>
  validator.validate(value).errors.filter((e) => e.keyword === "required").length;

describe("reading a job's config schema", () => {
  it("follows properties and local $refs to the schema of a place", () => {
    expect(schemasAt(SCHEMA, ["ops", "hello", "config", "target", "port"])).toEqual([{ type: "integer", default: 80 }]);
    expect(schemasAt(SCHEMA, ["ops", "nope"])).toEqual([]);
  });

  it("documents a field: type, required, default and description", () => {
    expect(docsAt(SCHEMA, ["ops", "start", "config", "value"])).toEqual({
      path: "ops.start.config.value",
      type: "number",
      required: false,
      default: 1,
      description: "the number to start from",
    });
    expect(docsAt(SCHEMA, ["ops", "hello", "config", "name"])).toMatchObject({
      type: "string not empty",
      required: true,
      description: "who to greet",
    });
    expect(docsAt(SCHEMA, ["ops", "hello", "config", "mode"])?.type).toBe('one of "plain", "loud"');
    expect(docsAt(SCHEMA, ["ops", "hello", "nope"])).toBeNull();
  });

  it("completes the keys not yet written, required first, each with its scaffold", () => {
    const items = completionsAt(SCHEMA, { kind: "key", path: ["ops", "hello", "config"], present: ["times"] });
    expect(items.map((c) => c.label)).toEqual(["name", "target", "mode", "loud"]);
    expect(items.find((c) => c.label === "target")?.value).toEqual({ host: "", port: 80 });
    expect(items[0]).toMatchObject({ required: true, description: "who to greet", value: "" });
  });

  it("completes the values an enum or a boolean takes", () => {
    const values = (path: string[]) => completionsAt(SCHEMA, { kind: "value", path }).map((c) => c.label);
    expect(values(["ops", "hello", "config", "mode"])).toEqual(['"plain"', '"loud"']);
    expect(values(["ops", "hello", "config", "loud"])).toEqual(["true", "false"]);
    expect(values(["ops", "hello", "config", "name"])).toEqual([]);
  });

  it("scaffolds only the required fields that are missing, keeping what is written", () => {
    expect(scaffoldMissing(SCHEMA, {})).toEqual({ ops: { hello: { config: { name: "", target: { host: "" } } } } });
    expect(scaffoldMissing(SCHEMA, { ops: { hello: { config: { name: "Ada", times: 3 } }, start: {} } })).toEqual({
      ops: { hello: { config: { name: "Ada", times: 3, target: { host: "" } } }, start: {} },
    });
  });

  it("removes the fields the schema does not allow, at every level", () => {
    expect(
      removeExtra(SCHEMA, {
        ops: { hello: { config: { name: "Ada", nmae: "typo", target: { host: "h", extra: 1 } }, junk: true } },
        resources: {},
      }),
    ).toEqual({ ops: { hello: { config: { name: "Ada", target: { host: "h" } } } } });
  });
});

// Any config a person might have typed: the schema's keys, typos, and values of every kind.
const key = fc.constantFrom("ops", "hello", "start", "config", "name", "times", "target", "host", "port", "x", "nmae");
const config: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>,
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const root = fc.dictionary(key, config, { maxKeys: 4 });

describe("the repairs, for any config", () => {
  it("remove extra config leaves no unknown field, and is idempotent", () => {
    fc.assert(
      fc.property(root, (value) => {
        const cleaned = removeExtra(SCHEMA, value);
        expect(unknownFieldErrors(cleaned)).toBe(0);
        expect(removeExtra(SCHEMA, cleaned)).toEqual(cleaned);
      }),
    );
  });

  it("scaffold missing config leaves no required field missing where objects are, and is idempotent", () => {
    fc.assert(
      fc.property(root, (value) => {
        const cleaned = removeExtra(SCHEMA, value) as Record<string, JsonValue>;
        // Only where the config has objects can fields be added; a wrong type stays for the user to fix.
        fc.pre(
          JSON.stringify(cleaned).match(/\[|"ops":(?!\{)|"hello":(?!\{)|"config":(?!\{)|"target":(?!\{)/) === null,
        );
        const filled = scaffoldMissing(SCHEMA, cleaned);
        expect(missingFieldErrors(filled)).toBe(0);
        expect(scaffoldMissing(SCHEMA, filled)).toEqual(filled);
      }),
    );
  });

  it("neither repair touches a config that is already complete and clean", () => {
    const complete = scaffoldMissing(SCHEMA, {});
    expect(removeExtra(SCHEMA, complete)).toEqual(complete);
    expect(scaffoldMissing(SCHEMA, complete)).toEqual(complete);
  });
});
