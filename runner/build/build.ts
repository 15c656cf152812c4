/**
 * Builds the `@flightdeck/runner` package into dist/: every module of runner/ and protocol/ except
 * tests, compiled by tsc (tsconfig.build.json) to ESM JavaScript with .d.ts types, protocol/
 * beside runner/ so the package holds everything it imports. A new file under runner/ is built
 * because tsc takes the whole folder.
 *
 * The sources import each other without extensions (`from "./cli-args"`, `from "../protocol"`),
 * as bundlers and tsx allow; Node's ESM loader does not, and tsc copies specifiers as written.
 * So after tsc, every relative specifier in dist/ is rewritten to the file it names
 * (`./cli-args.js`, `../protocol/index.js`), in the .js files for Node and in the .d.ts files for
 * a user's TypeScript under any module resolution. A specifier that names no built file fails
 * the build: it would fail at run time.
 *
 * Run by `npm run build` in runner/ (and so before `npm pack`, as prepack), with tsx from the
 * workspace: building needs the repository; the built package needs neither tsx nor TypeScript.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveBuiltSpecifier, rewriteRelativeSpecifiers } from "./specifiers";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(PACKAGE_DIR, "dist");

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(PACKAGE_DIR, "tsconfig.build.json")], { stdio: "inherit" });

let files = 0;
for (const path of walk(DIST)) {
  if (!path.endsWith(".js") && !path.endsWith(".d.ts")) continue;
  const source = readFileSync(path, "utf8");
  const rewritten = rewriteRelativeSpecifiers(source, (specifier) => resolveBuiltSpecifier(path, specifier));
  if (rewritten !== source) writeFileSync(path, rewritten);
  files++;
}
console.log(`@flightdeck/runner: built ${files} files into dist/`);
