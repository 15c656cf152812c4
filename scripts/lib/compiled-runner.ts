/**
 * The runner (runner/ and protocol/, tests aside) compiled to JavaScript module by module, laid
 * out as the package's dist/ is (runner/build/build.ts) but by the runner's esbuild in well under
 * a second instead of tsc: for the tests, which start `flightdeck serve` dozens of times and would
 * otherwise pay tsx compiling the runner again in every process. Modules stay separate files, so
 * what the runner hands to esbuild or Node by path (sibling-module.ts) is there, beside them.
 *
 * `npm start`, the bench, and the tests of those paths run the CLI from source as before.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { resolveBuiltSpecifier, rewriteRelativeSpecifiers } from "../../runner/build/specifiers";
import { REPO_ROOT } from "./local-stack";

const RUNNER = path.join(REPO_ROOT, "runner");
/**
 * Inside the runner's node_modules, so the compiled modules resolve their dependencies (esbuild,
 * yaml, zod) as the runner's own modules do, and find the runner's package.json above them.
 */
const CACHE = path.join(RUNNER, "node_modules/.cache");
const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", "testing"]);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) {
      if (!SKIPPED_DIRS.has(entry)) yield* sources(file);
    } else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts") && !entry.endsWith(".d.ts")) yield file;
  }
}

export type CompiledRunner = {
  /** The compiled `flightdeck` CLI (runner/cli.ts): `node <cli> serve ...`. */
  cli: string;
  remove: () => Promise<void>;
};

export async function compileRunner(): Promise<CompiledRunner> {
  await mkdir(CACHE, { recursive: true });
  const dir = await mkdtemp(path.join(CACHE, "flightdeck-compiled-runner-"));
  const { build }: typeof import("esbuild") = createRequire(path.join(RUNNER, "package.json"))("esbuild");
  const result = await build({
    entryPoints: [...sources(RUNNER), ...sources(path.join(REPO_ROOT, "protocol"))],
    outdir: dir,
    outbase: REPO_ROOT,
    bundle: false,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    write: false,
  });
  for (const file of result.outputFiles) {
    await mkdir(path.dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
  }
  // The sources import each other without extensions, which Node's ESM loader does not allow.
  for (const file of result.outputFiles) {
    const source = readFileSync(file.path, "utf8");
    const rewritten = rewriteRelativeSpecifiers(source, (specifier) => resolveBuiltSpecifier(file.path, specifier));
    if (rewritten !== source) writeFileSync(file.path, rewritten);
  }
  return {
    cli: path.join(dir, "runner/cli.js"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
