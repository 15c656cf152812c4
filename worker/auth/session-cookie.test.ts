import { describe, expect, it } from "vitest";
import { adminSessionKey, isLocalHttp, newSessionSecret } from "./session-cookie";

describe("the session cookie", () => {
  it("is a fresh random secret each time", () => {
    const a = newSessionSecret();
    expect(a).toMatch(/^fds_[A-Za-z0-9_-]{43}$/);
    expect(newSessionSecret()).not.toBe(a);
  });

  it("remembers the admin token only as a digest that differs per token", async () => {
    const key = await adminSessionKey("admin-token-a");
    expect(key).not.toContain("admin-token-a");
    expect(await adminSessionKey("admin-token-b")).not.toBe(key);
  });

  it.each([
    ["http://127.0.0.1:8787/api/session", true],
    ["http://localhost:8787/api/session", true],
    ["https://127.0.0.1/api/session", false],
    ["http://flightdeck.example.com/api/session", false],
    ["https://flightdeck.example.com/api/session", false],
  ])("treats %s as local plain http: %s", (url, local) => {
    expect(isLocalHttp(url)).toBe(local);
  });
});
