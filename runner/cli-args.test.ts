import { describe, expect, it } from "vitest";
import { type CliArgs, parseCliArgs } from "./cli-args";

describe("parseCliArgs", () => {
  const cases: { name: string; argv: string[]; expected: CliArgs }[] = [
    {
      name: "fills every default for a bare serve",
      argv: ["serve", "examples/demo/location.ts"],
      expected: {
        command: "serve",
        file: "examples/demo/location.ts",
        host: "127.0.0.1",
        port: 4000,
        dataDir: ".flightdeck/demo",
        terminateGraceSeconds: 10,
        standbyWorkers: 1,
        maxStandbyWorkers: 4,
      },
    },
    {
      name: "reads flags as separate or inline values",
      argv: [
        "serve",
        "jobs.ts",
        "--host",
        "0.0.0.0",
        "--port=0",
        "--data-dir",
        "/tmp/d",
        "--terminate-grace-seconds",
        "2.5",
        "--standby-workers",
        "0",
      ],
      expected: {
        command: "serve",
        file: "jobs.ts",
        host: "0.0.0.0",
        port: 0,
        dataDir: "/tmp/d",
        terminateGraceSeconds: 2.5,
        standbyWorkers: 0,
        maxStandbyWorkers: 0,
      },
    },
    {
      name: "takes a standby ceiling, and keeps it at least the floor",
      argv: ["serve", "jobs.ts", "--standby-workers", "6", "--max-standby-workers=8"],
      expected: expect.objectContaining({ standbyWorkers: 6, maxStandbyWorkers: 8 }) as CliArgs,
    },
    {
      name: "raises the default standby ceiling to a floor above it",
      argv: ["serve", "jobs.ts", "--standby-workers", "6"],
      expected: expect.objectContaining({ standbyWorkers: 6, maxStandbyWorkers: 6 }) as CliArgs,
    },
    {
      name: "refuses a standby ceiling below the floor",
      argv: ["serve", "jobs.ts", "--standby-workers", "2", "--max-standby-workers", "1"],
      expected: {
        command: "error",
        message: "--max-standby-workers must be a whole number from --standby-workers (2) to 16",
      },
    },
    { name: "shows help for --help", argv: ["serve", "--help"], expected: { command: "help" } },
    { name: "shows help with no arguments", argv: [], expected: { command: "help" } },
    {
      name: "refuses an unknown command",
      argv: ["launch"],
      expected: { command: "error", message: 'unknown command "launch"' },
    },
    {
      name: "refuses an unknown flag",
      argv: ["serve", "a.ts", "--prot", "1"],
      expected: { command: "error", message: 'unknown flag "--prot"' },
    },
    {
      name: "refuses a flag without its value",
      argv: ["serve", "a.ts", "--port"],
      expected: { command: "error", message: "--port needs a value" },
    },
    {
      name: "refuses serve without a file",
      argv: ["serve"],
      expected: { command: "error", message: "serve needs the file of a code location" },
    },
    {
      name: "refuses a port out of range",
      argv: ["serve", "a.ts", "--port", "70000"],
      expected: { command: "error", message: '--port must be a whole number from 0 to 65535, not "70000"' },
    },
    {
      name: "refuses a second file",
      argv: ["serve", "a.ts", "b.ts"],
      expected: { command: "error", message: 'unexpected argument "b.ts"' },
    },
  ];
  for (const { name, argv, expected } of cases) {
    it(name, () => {
      expect(parseCliArgs(argv)).toEqual(expected);
    });
  }
});
