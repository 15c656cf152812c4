import { describe, expect, it } from "vitest";
import { describeWait } from "./queue";

describe("describeWait", () => {
  it("names every full pool a run's first steps need, with the slot buffer when there is one", () => {
    const pools = [
      { pool: "warehouse", limit: 1, in_use: 1, waiting: 2, launched: 0 },
      { pool: "s3", limit: 2, in_use: 1, waiting: 0, launched: 1 },
    ];
    expect(describeWait({ reason: "op_concurrency_pools", pools, slot_buffer: 0 })).toBe(
      "its first steps wait for a slot of pool warehouse: 1/1 in use, 2 waiting, 0 launched not yet claiming; " +
        "pool s3: 1/2 in use, 0 waiting, 1 launched not yet claiming",
    );
    expect(describeWait({ reason: "op_concurrency_pools", pools: pools.slice(0, 1), slot_buffer: 2 })).toBe(
      "its first steps wait for a slot of pool warehouse: 1/1 in use, 2 waiting, 0 launched not yet claiming (slot buffer 2)",
    );
  });
});
