import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../../protocol/events";
import { DEFAULT_LEVELS, type EventFilter, matchesEvent, pageOf } from "./event-filter";

const ev = (type: StoredEvent["type"], level: StoredEvent["level"] = "INFO", step_key: string | null = null) =>
  ({
    id: 1,
    run_id: "r",
    attempt: 1,
    seq: 1,
    type,
    ts: 0,
    step_key,
    level,
    message: "hello",
    data: null,
  }) as StoredEvent;
const byDefault: EventFilter = { levels: DEFAULT_LEVELS, heartbeats: false, step: null, needle: "" };

describe("which events the log shows", () => {
  it("hides DEBUG and HEARTBEAT by default and shows them when asked", () => {
    expect(matchesEvent(ev("LOG", "DEBUG"), byDefault)).toBe(false);
    expect(matchesEvent(ev("HEARTBEAT"), byDefault)).toBe(false);
    expect(matchesEvent(ev("LOG", "INFO"), byDefault)).toBe(true);
    expect(matchesEvent(ev("HEARTBEAT"), { ...byDefault, heartbeats: true })).toBe(true);
    expect(matchesEvent(ev("LOG", "DEBUG"), { ...byDefault, levels: new Set(["DEBUG"]) })).toBe(true);
  });

  it("filters by step and by text", () => {
    expect(matchesEvent(ev("LOG", "INFO", "a"), { ...byDefault, step: "b" })).toBe(false);
    expect(matchesEvent(ev("LOG", "INFO", "a"), { ...byDefault, needle: "hell" })).toBe(true);
    expect(matchesEvent(ev("LOG", "INFO", "a"), { ...byDefault, needle: "nope" })).toBe(false);
  });
});

describe("pages of the log", () => {
  it("follows the last page by default and clamps a page past the end", () => {
    expect(pageOf(250, null, 100)).toEqual({ index: 2, count: 3, from: 200, to: 250 });
    expect(pageOf(250, 0, 100)).toEqual({ index: 0, count: 3, from: 0, to: 100 });
    expect(pageOf(250, 9, 100)).toEqual({ index: 2, count: 3, from: 200, to: 250 });
    expect(pageOf(0, null, 100)).toEqual({ index: 0, count: 1, from: 0, to: 0 });
  });
});
