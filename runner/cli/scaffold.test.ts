import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageNameFor, scaffoldFiles, TYPES_NODE_VERSION, TYPESCRIPT_VERSION } from "./scaffold";

const REPO = join(import.meta.dirname, "..", "..");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("scaffoldFiles", () => {
  const files = scaffoldFiles("My Location", { runner: "0.3.1", zod: "4.6.7" });

  it("writes a package.json, a tsconfig, the location, a three-line README and a .gitignore", () => {
    expect(Object.keys(files).sort()).toEqual([
      ".gitignore",
      "README.md",
      "location.ts",
      "package.json",
      "tsconfig.json",
    ]);
    expect(files["README.md"]?.trim().split("\n")).toHaveLength(3);
  });

  it("depends on the scaffolding runner and on its zod, and serves location.ts", () => {
    const pkg = JSON.parse(files["package.json"] ?? "");
    expect(pkg).toMatchObject({
      name: "my-location",
      type: "module",
      dependencies: { "@flightdeck/runner": "^0.3.1", zod: "4.6.7" },
      scripts: { serve: "flightdeck serve location.ts", typecheck: "tsc --noEmit" },
    });
  });

  it("pins the TypeScript and Node types the runner's own types are checked with", () => {
    const root = readJson(join(REPO, "package.json"));
    expect(TYPESCRIPT_VERSION).toBe(root.devDependencies.typescript);
    expect(TYPES_NODE_VERSION).toBe(root.devDependencies["@types/node"]);
  });

  it("imports the SDK by its package name, as a user's project does", () => {
    expect(files["location.ts"]).toContain('from "@flightdeck/runner"');
  });
});

describe("packageNameFor", () => {
  it.each([
    ["etl", "etl"],
    ["My Location", "my-location"],
    ["__x__", "x__"],
    ["!!!", "code-location"],
  ])("%s -> %s", (folder, expected) => {
    expect(packageNameFor(folder)).toBe(expected);
  });
});
