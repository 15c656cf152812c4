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
    ["a non-integer tag", { tags: { "flightdeck/priority": "high" } }],
    ["a fractional tag", { tags: { "flightdeck/priority": "1.5" } }],
    ["an empty tag", { tags: { "flightdeck/priority": "" } }],
    ["a tag that disagrees with priority", { priority: 1, tags: { "flightdeck/priority": "2" } }],
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
