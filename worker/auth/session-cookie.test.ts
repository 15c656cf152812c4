import { describe, expect, it } from "vitest";
import { isLocalHttp, issueSession, verifySession } from "./session-cookie";

const TOKEN = "admin-token-a";
const NOW = 1_700_000_000_000;

describe("the session cookie", () => {
  it("verifies a cookie it issued, until it expires", async () => {
    const value = await issueSession(TOKEN, NOW + 1000);
    expect(await verifySession(TOKEN, value, NOW)).toBe(NOW + 1000);
    expect(await verifySession(TOKEN, value, NOW + 1000)).toBeNull();
  });

  it("refuses a cookie whose expiry was changed, or signed for another admin token", async () => {
    const value = await issueSession(TOKEN, NOW + 1000);
    const extended = value.replace(String(NOW + 1000), String(NOW + 10_000_000));
    expect(await verifySession(TOKEN, extended, NOW)).toBeNull();
    expect(await verifySession("admin-token-b", value, NOW)).toBeNull();
  });

  it.each([undefined, "", "v1.123", "v2.9999999999999.abc", "the admin token itself"])(
    "refuses a malformed cookie: %s",
    async (value) => {
      expect(await verifySession(TOKEN, value, NOW)).toBeNull();
    },
  );

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
