import { describe, expect, it } from "vitest";
import { parseAgentArgs } from "./agent-args";

const TOKEN = "fda_secret";

describe("parseAgentArgs", () => {
  it("reads the file, control plane, token and max runs, with defaults for the rest", () => {
    expect(
      parseAgentArgs([
        "loc/location.ts",
        "--control-plane",
        "https://fd.example.com/",
        "--token",
        TOKEN,
        "--max-runs",
        "3",
      ]),
    ).toEqual({
      command: "agent",
      file: "loc/location.ts",
      controlPlane: "https://fd.example.com",
      token: TOKEN,
      maxRuns: 3,
      dataDir: ".flightdeck/loc-agent",
      terminateGraceSeconds: 10,
      standbyWorkers: 1,
      maxStandbyWorkers: 4,
    });
  });

  it("takes the token from FLIGHTDECK_AGENT_TOKEN when --token is absent", () => {
    const args = parseAgentArgs(["a.ts", "--control-plane=http://127.0.0.1:8787"], { FLIGHTDECK_AGENT_TOKEN: TOKEN });
    expect(args).toMatchObject({ command: "agent", token: TOKEN, maxRuns: 4 });
  });

  it.each([
    [["--control-plane", "http://x", "--token", TOKEN], "agent needs the file of a code location"],
    [["a.ts", "--token", TOKEN], "agent needs --control-plane <url>, the control plane's URL"],
    [["a.ts", "--control-plane", "ftp://x", "--token", TOKEN], "--control-plane must be an http:// or https:// URL"],
    [
      ["a.ts", "--control-plane", "http://x"],
      "agent needs --token <agent token> (or FLIGHTDECK_AGENT_TOKEN); make one with POST /api/agent-tokens",
    ],
    [["a.ts", "--control-plane", "http://x", "--token", "fdt_api"], "the agent token starts with fda_"],
    [
      ["a.ts", "--control-plane", "http://x", "--token", TOKEN, "--max-runs", "0"],
      "--max-runs must be a whole number from 1 to 1000",
    ],
    [["a.ts", "--control-plane", "http://x", "--token", TOKEN, "--port", "1"], 'unknown flag "--port"'],
  ])("refuses %j: %s", (argv, message) => {
    expect(parseAgentArgs(argv)).toEqual({ command: "error", message });
  });
});
