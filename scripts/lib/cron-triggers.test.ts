import { describe, expect, it } from "vitest";
import { nextCronFiring, readCronTriggers } from "./cron-triggers";

const MINUTE = 60_000;
const T = Date.UTC(2026, 11, 3, 10, 0, 0);

describe("readCronTriggers", () => {
  it("reads the crons of the [triggers] table, and only those", () => {
    const toml = [
      'name = "x"',
      "[triggers]",
      'crons = ["* * * * *", "0 3 * * *"]',
      "",
      "[vars]",
      'crons = ["not a trigger"]',
    ].join("\n");
    expect(readCronTriggers(toml)).toEqual(["* * * * *", "0 3 * * *"]);
  });

  it("is empty without a [triggers] table", () => {
    expect(readCronTriggers('name = "x"\n')).toEqual([]);
  });
});

describe("nextCronFiring", () => {
  it("fires an every-minute cron at the next minute boundary, strictly after now", () => {
    expect(nextCronFiring(["* * * * *"], T)).toEqual({ at: T + MINUTE, crons: ["* * * * *"] });
    expect(nextCronFiring(["* * * * *"], T + 1)).toEqual({ at: T + MINUTE, crons: ["* * * * *"] });
    expect(nextCronFiring(["* * * * *"], T - 1)).toEqual({ at: T, crons: ["* * * * *"] });
  });

  it("fires every cron due at the same minute together, in UTC", () => {
    expect(nextCronFiring(["*/5 * * * *", "0 11 * * *", "0 * * * *"], T + 59 * MINUTE)).toEqual({
      at: T + 60 * MINUTE,
      crons: ["*/5 * * * *", "0 11 * * *", "0 * * * *"],
    });
  });

  it("is null with no crons", () => {
    expect(nextCronFiring([], T)).toBeNull();
  });
});
