/**
 * Builds a code location's bundle with esbuild: the user's module plus the runner's bundle entry,
 * as one ESM file in the data dir. Dagster loads a code location by importing it in a code
 * server; here the bundle is that import, and each run worker is a plain `node <bundle>.mjs`, so
 * a run starts fast and without tsx. Source maps (a linked .map file) point stacks at the user's TypeScript.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";
import { startStepSnapshotBuild } from "../executors/step-snapshot-build";
import { siblingModule } from "../sibling-module";
import { sdkOfThisRunner } from "./sdk-alias";

const BUNDLE_ENTRY = siblingModule(import.meta.url, "../bundle-entry");

export type BundleResult =
  | {
      ok: true;
      path: string;
      /** The step processes' snapshot, built in the background: settles when that build has ended. */
      stepSnapshot: Promise<void>;
    }
  | { ok: false; error: string };

/** The entry: expose the location's definitions, and become a run worker when run directly. */
export function bundleEntrySource(userFile: string): string {
  return [
    `import { describeLocationModule, evaluateInLocationModule, runWorkerIfMain } from ${JSON.stringify(BUNDLE_ENTRY)};`,
    `const loadModule = () => import(${JSON.stringify(userFile)});`,
    "export const definitions = () => describeLocationModule(loadModule);",
    "export const evaluate = (kind, name, body) => evaluateInLocationModule(loadModule, kind, name, body);",
    "await runWorkerIfMain(loadModule, import.meta.url);",
  ].join("\n");
}

export async function bundleLocation(userFile: string, dataDir: string): Promise<BundleResult> {
  const absolute = resolve(userFile);
  const outfile = join(resolve(dataDir), "bundle", "location.mjs");
  mkdirSync(dirname(outfile), { recursive: true });
  try {
    await build({
      stdin: {
        contents: bundleEntrySource(absolute),
        resolveDir: dirname(absolute),
        loader: "ts",
        sourcefile: "flightdeck-entry.ts",
      },
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // A linked map, not inline: Node then parses only the code when a process starts (~60-130 ms
      // less per run worker and per step process, measured), and reads the map for stack traces.
      sourcemap: "linked",
      logLevel: "silent",
      plugins: [sdkOfThisRunner],
      // CommonJS dependencies may `require` Node built-ins, which an ESM bundle lacks.
      banner: {
        js: 'import { createRequire as __flightdeckRequire } from "node:module"; const require = __flightdeckRequire(import.meta.url);',
      },
    });
    // In the background: step processes load the bundle until the snapshot exists.
    const stepSnapshot = startStepSnapshotBuild(absolute, dirname(outfile));
    return { ok: true, path: outfile, stepSnapshot };
  } catch (error) {
    return {
      ok: false,
      error: `could not bundle ${userFile}:\n${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
