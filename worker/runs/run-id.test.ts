import { describe, expect, it } from "vitest";
import { newRunId } from "./run-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newRunId", () => {
  it("is a version 7 UUID carrying the time in its first 48 bits", () => {
    const at = Date.UTC(2026, 10, 22, 2, 30, 0, 123);
    const id = newRunId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("orders ids of later milliseconds after earlier ones, as strings", () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 200 }, (_, i) => newRunId(start + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it("differs within one millisecond", () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => newRunId(at))).size).toBe(1000);
  });
});
