import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonLimitBreach, MAX_JSON_DEPTH, parseBoundedJson } from "./json-limits";

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("JSON limits", () => {
  it("accepts a document exactly as deep as the bound and refuses one level more, naming the path", () => {
    expect(parseBoundedJson(nested(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    const deep = parseBoundedJson(`{"a":{"b":${nested(MAX_JSON_DEPTH - 1)}}}`);
    expect(deep).toEqual({
      ok: false,
      reason: `nests deeper than ${MAX_JSON_DEPTH} levels (at a.b${".0".repeat(MAX_JSON_DEPTH - 2)})`,
    });
  });

  it("walks a document nested 100,000 deep without overflowing the stack", () => {
    expect(parseBoundedJson(nested(100_000))).toMatchObject({ ok: false });
  });

  it("counts keys and array items over the whole document", () => {
    const doc = { a: [1, 2, 3], b: { c: 1 } };
    expect(findJsonLimitBreach(doc, { maxDepth: 10, maxNodes: 6 })).toBeNull();
    expect(findJsonLimitBreach(doc, { maxDepth: 10, maxNodes: 5 })).toMatchObject({ limit: "nodes" });
  });

  it("says what is wrong with text that is not JSON", () => {
    expect(parseBoundedJson("{")).toMatchObject({ ok: false, reason: expect.stringMatching(/^is not valid JSON/) });
  });

  it("accepts every JSON value within the bounds unchanged", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const parsed = parseBoundedJson(JSON.stringify(value));
        expect(parsed).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
      }),
    );
  });
});
