import { describe, expect, it } from "vitest";
import { JsonSyntaxError, lineOf, parseLocated } from "./json-locate";

describe("parsing JSON with the line of every value", () => {
  it("parses like JSON.parse and records each member at its key's line", () => {
    const text = '{\n  "a": {\n    "b/c": [\n      1,\n      "x\\n"\n    ]\n  },\n  "d": null\n}';
    const { value, lines } = parseLocated(text);
    expect(value).toEqual(JSON.parse(text));
    expect(lines.get("/a")).toBe(2);
    expect(lines.get("/a/b~1c")).toBe(3);
    expect(lines.get("/a/b~1c/1")).toBe(5);
    expect(lines.get("/d")).toBe(8);
  });

  it("falls back to the nearest existing ancestor for a missing place", () => {
    const { lines } = parseLocated('{\n  "a": {}\n}');
    expect(lineOf(lines, "/a/missing/deeper")).toBe(2);
  });

  it.each([
    ['{"a": 1,}', 1, 9],
    ['{\n  "a" 1\n}', 2, 7],
    ['{"a": tru}', 1, 7],
    ["[1, 2", 1, 6],
    ['{"a": 1} x', 1, 10],
  ])("reports a syntax error in %j at line %i, column %i", (text, line, column) => {
    try {
      parseLocated(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSyntaxError);
      expect(err).toMatchObject({ line, column });
    }
  });
});
