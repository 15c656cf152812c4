/**
 * `flightdeck new <dir>`: scaffolds a code location project (scaffold.ts) into a folder that is
 * absent or empty — never over a user's files — and says what to do next.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scaffoldFiles } from "./scaffold";

export const NEW_USAGE = "flightdeck new <dir>";

type RunnerPackage = { version: string; dependencies: { zod: string } };

/** This runner's package.json: the nearest one above this module (source or built). */
function readRunnerPackage(): RunnerPackage {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { name?: string } & RunnerPackage;
      if (parsed.name === "@flightdeck/runner") return parsed;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find @flightdeck/runner's package.json");
    dir = parent;
  }
}

/** Returns an exit code: 0 done, 2 a usage error or a folder that is not empty. */
export function runNewCommand(argv: readonly string[]): number {
  const [target, ...extra] = argv;
  if (!target || target.startsWith("-") || extra.length > 0) {
    console.error(`flightdeck: usage: ${NEW_USAGE}`);
    return 2;
  }
  const dir = resolve(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.error(`flightdeck: ${target} is not empty; pick a new folder (nothing was written)`);
    return 2;
  }
  const runner = readRunnerPackage();
  const files = scaffoldFiles(basename(dir), { runner: runner.version, zod: runner.dependencies.zod });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  console.log(
    [
      `flightdeck: created a code location in ${target}: ${Object.keys(files).join(", ")}`,
      "",
      "Next:",
      `  cd ${target} && npm install     # or: npm install <path to the runner's .tgz>, if you packed it yourself`,
      "  npm run typecheck",
      "  FLIGHTDECK_WEBHOOK_SECRET=whsec_... npm run serve -- --port 4001",
    ].join("\n"),
  );
  return 0;
}
