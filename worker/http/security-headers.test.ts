import { describe, expect, it } from "vitest";
import { API_CSP, COMMON_SECURITY_HEADERS } from "../../protocol/security-headers";
import { call } from "../test/helpers";

describe("security headers", () => {
  it.each([
    ["a 200", "GET", "/api/health", null],
    ["a 401", "GET", "/api/runs", "wrong-token"],
    ["a 404", "GET", "/api/no-such-route", null],
  ] as const)("are on %s", async (_what, method, path, token) => {
    const res = await call(method, path, token === null ? {} : { token });
    await res.arrayBuffer();
    expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
  });
});
