import { describe, expect, it } from "vitest";
import { nextPauseEnd, pauseAfterUnreachable, pausedLocationsAt } from "./location-pauses";

describe("location pauses", () => {
  it("starts a streak at the first unreachable launch and keeps its start on the next ones", () => {
    const first = pauseAfterUnreachable(null, { location: "etl", until: 61_000, reason: "refused" }, 1_000);
    expect(first).toEqual({ location: "etl", since: 1_000, until: 61_000, reason: "refused" });
    const second = pauseAfterUnreachable(first, { location: "etl", until: 131_000, reason: "timed out" }, 71_000);
    expect(second).toEqual({ location: "etl", since: 1_000, until: 131_000, reason: "timed out" });
  });

  it("pauses a location until its time, not at it", () => {
    const pauses = [
      { location: "etl", since: 0, until: 60_000, reason: "refused" },
      { location: "ml", since: 0, until: 90_000, reason: "refused" },
    ];
    expect([...pausedLocationsAt(pauses, 59_999).keys()]).toEqual(["etl", "ml"]);
    expect([...pausedLocationsAt(pauses, 60_000).keys()]).toEqual(["ml"]);
    expect(nextPauseEnd(pauses, 0)).toBe(60_000);
    expect(nextPauseEnd(pauses, 60_000)).toBe(90_000);
    expect(nextPauseEnd(pauses, 90_000)).toBeNull();
  });
});
