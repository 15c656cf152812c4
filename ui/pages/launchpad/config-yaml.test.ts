import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../../protocol/json";
import { parseYamlLocated, toYaml, yamlMember } from "./config-yaml";
import { JsonSyntaxError } from "./json-locate";

describe("the launchpad's YAML", () => {
  it("reads run config with the line of every value, members at their key's line", () => {
    const text = "ops:\n  hello:\n    config:\n      name: Ada\n      tags:\n        - a\n        - b\n";
    const { value, lines } = parseYamlLocated(text);
    expect(value).toEqual({ ops: { hello: { config: { name: "Ada", tags: ["a", "b"] } } } });
    expect(lines.get("/ops/hello/config/name")).toBe(4);
    expect(lines.get("/ops/hello/config/tags")).toBe(5);
    expect(lines.get("/ops/hello/config/tags/1")).toBe(7);
  });

  it("reads an empty text as an empty config", () => {
    expect(parseYamlLocated("").value).toEqual({});
  });

  it.each([
    ["ops:\n  a: 1\n  a: 2\n", 3],
    ["ops: [1, 2\n", 2],
    ["a: 1\n---\nb: 2\n", 2],
  ])("reports a syntax error in %j with its line", (text, line) => {
    try {
      parseYamlLocated(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSyntaxError);
      expect((err as JsonSyntaxError).line).toBe(line);
    }
  });

  it("refuses what JSON cannot carry", () => {
    expect(() => parseYamlLocated("x: .inf\n")).toThrow(/not a JSON number/);
  });

  it("writes a key completion with its nested value indented under the key", () => {
    expect(yamlMember("config", { name: "", port: 80 }, 4)).toBe('config:\n      name: ""\n      port: 80');
    expect(yamlMember("name", "", 6)).toBe('name: ""');
    expect(yamlMember("weird key", {}, 0)).toBe('"weird key": {}');
  });

  it("round-trips any JSON value: JSON → YAML → JSON is lossless", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.parse(JSON.stringify(value)) as JsonValue; // -0 is 0 in JSON
        expect(parseYamlLocated(toYaml(json)).value).toEqual(json);
      }),
      { numRuns: 300 },
    );
  });
});
