import { describe, expect, it } from "vitest";
import type { AlertPolicy } from "../../../protocol/alerts";
import { bodyOf, draftOf, EMPTY_DRAFT } from "./policy-draft";

const policy: AlertPolicy = {
  id: "p1",
  name: "on-call",
  enabled: true,
  events: ["RUN_FAILURE", "RUN_LONG_RUNNING"],
  skip_if_will_retry: true,
  long_running_minutes: 90,
  long_queued_minutes: null,
  filters: { locations: ["demo"], jobs: ["etl", "report"], tags: { team: "data", env: "prod" } },
  destination: { type: "SLACK", url: "https://hooks.slack.com/services/x" },
  secret: null,
  created_at: 0,
  updated_at: 0,
};

describe("the alert policy form", () => {
  it("a stored policy goes through the form and back unchanged", () => {
    const result = bodyOf(draftOf(policy));
    expect(result).toEqual({
      ok: true,
      body: {
        name: "on-call",
        enabled: true,
        events: ["RUN_FAILURE", "RUN_LONG_RUNNING"],
        skip_if_will_retry: true,
        long_running_minutes: 90,
        long_queued_minutes: null,
        filters: policy.filters,
        destination: policy.destination,
      },
    });
  });

  it("reads lists with stray spaces and empty entries", () => {
    const result = bodyOf({ ...EMPTY_DRAFT, jobs: " etl , ,report,", tags: "team = data" });
    expect(result.ok && result.body.filters).toEqual({
      locations: [],
      jobs: ["etl", "report"],
      tags: { team: "data" },
    });
  });

  it.each([
    ["a tag without =", { tags: "team" }, /key=value/],
    ["a threshold that is not a number", { longRunningMinutes: "soon" }, /not a number of minutes/],
  ])("says what it cannot read: %s", (_what, change, message) => {
    const result = bodyOf({ ...EMPTY_DRAFT, ...change });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });
});
