import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siblingModule } from "../sibling-module";

const STACK_REMAP = siblingModule(import.meta.url, "./stack-remap");

let dir: string;
let bundle: string;

// A bundle built as a code location's is (linked map), run as a plain `node <bundle>.mjs`: the
// hook must be installed in a process of its own, since it replaces Error.prepareStackTrace.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flightdeck-stack-remap-"));
  const source = join(dir, "user-module.ts");
  writeFileSync(
    source,
    [
      `import { fileURLToPath } from "node:url";`,
      `import { installSourceMappedStacks } from ${JSON.stringify(STACK_REMAP)};`,
      `installSourceMappedStacks(fileURLToPath(import.meta.url));`,
      `type Where = "op";`,
      `function fail(where: Where): never {`,
      `  throw new TypeError(\`boom in \${where}\`);`,
      `}`,
      `try { fail("op"); } catch (error) { console.log(JSON.stringify((error as Error).stack)); }`,
      `const plain = { name: "Custom", message: "not an Error" };`,
      `Error.captureStackTrace(plain);`,
      `console.log(JSON.stringify((plain as { stack?: string }).stack));`,
    ].join("\n"),
  );
  bundle = join(dir, "bundle", "location.mjs");
  await build({
    entryPoints: [source],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    sourcemap: "linked",
    logLevel: "silent",
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stacksOf(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [file]);
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as string);
}

describe("installSourceMappedStacks", () => {
  it("points a bundle's frames at the TypeScript they came from, read as V8's own stack", async () => {
    const [thrown, captured] = await stacksOf(bundle);
    const lines = String(thrown).split("\n");
    expect(lines[0]).toBe("TypeError: boom in op");
    expect(lines[1]).toMatch(/^ {4}at fail \(.*user-module\.ts:6:9\)$/);
    expect(lines[2]).toMatch(/user-module\.ts:8:7\)?$/);
    expect(thrown).not.toContain("location.mjs");
    // Not an Error: the header is what Error.prototype.toString makes of it, as V8's would be.
    expect(String(captured).split("\n")[0]).toBe("Custom: not an Error");
  });

  it("leaves stacks alone when the bundle's map is gone", async () => {
    rmSync(`${bundle}.map`);
    const [thrown] = await stacksOf(bundle);
    expect(String(thrown).split("\n")[0]).toBe("TypeError: boom in op");
    expect(thrown).toMatch(/location\.mjs:\d+:\d+/);
  });
});
