import { describe, expect, it } from "vitest";
import { ValidationFailedError } from "../errors";
import { resolveRunTags } from "./run-tags";

describe("resolveRunTags", () => {
  it.each([
    ["no priority at all means 0 and no tag", {}, { tags: {}, priority: 0 }],
    ["priority sets the tag", { priority: 5 }, { tags: { "flightdeck/priority": "5" }, priority: 5 }],
    [
      "the tag alone sets the priority",
      { tags: { "flightdeck/priority": "-2" } },
      { tags: { "flightdeck/priority": "-2" }, priority: -2 },
    ],
    [
      "priority and an agreeing tag are fine",
      { priority: 3, tags: { "flightdeck/priority": "3", team: "a" } },
      { tags: { "flightdeck/priority": "3", team: "a" }, priority: 3 },
    ],
    ["other tags pass through", { tags: { team: "data" } }, { tags: { team: "data" }, priority: 0 }],
  ])("%s", (_name, submit, expected) => {
    expect(resolveRunTags(submit)).toEqual(expected);
  });

  it.each([
    ["surrounding whitespace and a sign, as Python's int() reads them", " +3 ", 3],
    ["a negative value", "-2", -2],
    ["a word, which Dagster reads as 0", "high", 0],
    ["a fraction, which Dagster reads as 0", "1.5", 0],
    ["an empty value, which Dagster reads as 0", "", 0],
  ])("accepts %s and keeps the tag as written", (_name, raw, priority) => {
    expect(resolveRunTags({ tags: { "flightdeck/priority": raw } })).toEqual({
      tags: { "flightdeck/priority": raw },
      priority,
    });
  });

  it.each([
    ["a tag that disagrees with priority", { priority: 1, tags: { "flightdeck/priority": "2" } }],
    ["an unreadable tag beside a non-zero priority", { priority: 1, tags: { "flightdeck/priority": "high" } }],
  ])("rejects %s, naming the tag's path", (_name, submit) => {
    try {
      resolveRunTags(submit);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).details).toEqual({
        issues: [{ path: "tags.flightdeck/priority", message: expect.any(String) }],
      });
    }
  });
});
