import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesRunIdPrefix, shortRunId } from "./run-id";

// Two runs created in the same millisecond: same timestamp, different random tails.
const A = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b";
const B = "0193a1b2-c3d4-7e60-9a6b-1c2d3e4f5a6b";

describe("run ids on the command line", () => {
  it("shows the 8 hex digits after the timestamp and the version digit", () => {
    expect(shortRunId(A)).toBe("e5f8a6b1");
    expect(shortRunId(B)).toBe("e609a6b1");
  });

  it("matches a prefix of the random tail, with or without the version digit, dashes ignored", () => {
    expect(matchesRunIdPrefix(A, "e5f")).toBe(true);
    expect(matchesRunIdPrefix(A, "7e5f-8a")).toBe(true);
    expect(matchesRunIdPrefix(A, "E5F8A6B1")).toBe(true);
    expect(matchesRunIdPrefix(B, "e5f")).toBe(false);
  });

  it("never matches on the shared timestamp", () => {
    expect(matchesRunIdPrefix(A, "0193a1b2")).toBe(false);
    expect(matchesRunIdPrefix(A, "")).toBe(false);
  });

  it("always matches an id by the short id it is shown with", () => {
    fc.assert(fc.property(fc.uuid({ version: 7 }), (id) => matchesRunIdPrefix(id, shortRunId(id))));
  });
});
