import { describe, expect, it } from "vitest";
import { chunkForBoundParameters, D1_MAX_BOUND_PARAMETERS } from "./d1-limits";

describe("chunkForBoundParameters", () => {
  it.each([
    [0, 9, []],
    [1, 9, [1]],
    [11, 9, [11]],
    [12, 9, [11, 1]],
    [100, 9, [11, 11, 11, 11, 11, 11, 11, 11, 11, 1]],
    [1000, 3, Array.from({ length: 31 }, (_, i) => (i < 30 ? 33 : 10))],
  ])("splits %i rows of %i parameters into chunks of %j", (rows, params, sizes) => {
    const chunks = chunkForBoundParameters(
      Array.from({ length: rows }, (_, i) => i),
      params,
    );
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    for (const chunk of chunks) expect(chunk.length * params).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMETERS);
  });

  it("keeps every row, in order", () => {
    const rows = Array.from({ length: 250 }, (_, i) => i);
    expect(chunkForBoundParameters(rows, 7).flat()).toEqual(rows);
  });

  it("refuses a row that cannot be bound at all", () => {
    expect(() => chunkForBoundParameters([1], 101)).toThrow(/cannot be bound/);
  });
});
