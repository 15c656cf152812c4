import { describe, expect, it } from "vitest";
import { controlPlaneUrl } from "./wiring";

describe("controlPlaneUrl", () => {
  it.each([
    ["", "https://cp.example.com/api/runs", "https://cp.example.com"],
    ["https://flightdeck.example.org", "http://127.0.0.1:8787/api/runs", "https://flightdeck.example.org"],
    ["https://flightdeck.example.org/", "http://127.0.0.1:8787/api/runs", "https://flightdeck.example.org"],
    [undefined, "http://127.0.0.1:8787/api/runs?x=1", "http://127.0.0.1:8787"],
  ])("with PUBLIC_URL %j and a request to %s, run workers post to %s", (publicUrl, requestUrl, expected) => {
    expect(controlPlaneUrl(publicUrl, requestUrl)).toBe(expected);
  });
});
