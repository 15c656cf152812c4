import { describe, expect, it } from "vitest";
import { matchApiRoute } from "./route-match";

describe("matchApiRoute", () => {
  it.each([
    ["GET", "/api/runs/stats", "getRunStats", {}],
    ["GET", "/api/runs/0190abcd", "getRun", { id: "0190abcd" }],
    ["POST", "/api/runs/terminate", "terminateRuns", {}],
    ["POST", "/api/runs/r1/terminate", "terminateRun", { id: "r1" }],
    ["POST", "/api/runs/r1/pool-slots/renew", "renewPoolSlots", { id: "r1" }],
    ["DELETE", "/api/runs/r1/pool-slots/s1", "releasePoolSlot", { id: "r1", step: "s1" }],
    ["DELETE", "/api/tokens/tok_1", "revokeApiToken", { id: "tok_1" }],
    ["get", "/api/health", "getHealth", {}],
  ])("%s %s is %s", (method, path, id, params) => {
    expect(matchApiRoute(method, path)).toMatchObject({ route: { id }, params });
  });

  it.each([
    ["GET", "/api/runs/"],
    ["GET", "/api/runs//events"],
    ["DELETE", "/api/runs/r1"],
    ["GET", "/api/nope"],
    ["GET", "/api"],
  ])("matches nothing for %s %s", (method, path) => {
    expect(matchApiRoute(method, path)).toBeNull();
  });
});
