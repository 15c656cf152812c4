import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMON_SECURITY_HEADERS, DASHBOARD_CSP } from "../protocol/security-headers";

describe("the dashboard's _headers file", () => {
  it("carries the protocol's dashboard policy and common headers for every asset", () => {
    const text = readFileSync(path.join(import.meta.dirname, "public/_headers"), "utf8");
    const [route, ...lines] = text.trim().split("\n");
    expect(route).toBe("/*");
    const headers = Object.fromEntries(
      lines.map((line) => {
        const at = line.indexOf(":");
        return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
      }),
    );
    expect(headers).toEqual({ "content-security-policy": DASHBOARD_CSP, ...COMMON_SECURITY_HEADERS });
  });
});
