import { describe, expect, it } from "vitest";
import { launcherOf } from "./launcher";

describe("what launched a run", () => {
  it("is the schedule or sensor of its tag, linking to that page of its code location", () => {
    expect(launcherOf({ location: "demo", tags: { "flightdeck/schedule": "nightly" }, parent_run_id: null })).toEqual({
      kind: "schedule",
      name: "nightly",
      href: "/schedules/demo/nightly",
    });
    expect(launcherOf({ location: "a b", tags: { "flightdeck/sensor": "new/files" }, parent_run_id: null })).toEqual({
      kind: "sensor",
      name: "new/files",
      href: "/sensors/a%20b/new%2Ffiles",
    });
  });

  it("is the parent for a re-execution, and a person otherwise", () => {
    expect(launcherOf({ location: "demo", tags: {}, parent_run_id: "p" })).toEqual({
      kind: "reexecution",
      parent: "p",
    });
    expect(launcherOf({ location: "demo", tags: {}, parent_run_id: null })).toEqual({ kind: "manual" });
  });
});
