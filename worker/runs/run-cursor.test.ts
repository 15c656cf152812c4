import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRunCursor, encodeRunCursor } from "./run-cursor";

describe("run list cursor", () => {
  it.each([
    [{ createdAt: 0, id: "a" }],
    [{ createdAt: 1_763_700_000_000, id: "0b7f3c1e-5a4d-4f0e-9c2b-8d6e1f2a3b4c" }],
    [{ createdAt: 5, id: "ünïcødé/+=" }],
  ])("decodes what it encoded: %j", (cursor) => {
    expect(decodeRunCursor(encodeRunCursor(cursor))).toEqual(cursor);
  });

  it("round-trips any timestamp and id", () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 1 }), (createdAt, id) => {
        expect(decodeRunCursor(encodeRunCursor({ createdAt, id }))).toEqual({ createdAt, id });
      }),
    );
  });

  it("is URL-safe, so it can go into a query string as is", () => {
    const encoded = encodeRunCursor({ createdAt: 1_763_700_000_000, id: "???>>>~~~" });
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["not base64", "***"],
    ["base64 of text that is not JSON", btoa("hello")],
    ["a JSON object instead of a pair", btoa(JSON.stringify({ createdAt: 1, id: "x" }))],
    ["a pair with a negative time", btoa(JSON.stringify([-1, "x"]))],
    ["a pair with a fractional time", btoa(JSON.stringify([1.5, "x"]))],
    ["a pair with an empty id", btoa(JSON.stringify([1, ""]))],
    ["an empty string", ""],
  ])("rejects %s", (_what, encoded) => {
    expect(decodeRunCursor(encoded)).toBeNull();
  });
});
