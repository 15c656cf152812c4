/**
 * Where the step processes' startup snapshot lives (see step-snapshot-build.ts): beside the bundle.
 * Kept apart from the builder so the run worker's bundle does not pull in esbuild.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const STEP_SNAPSHOT_FILE = "step-snapshot.blob";

export function stepSnapshotPath(bundleDir: string): string {
  return join(bundleDir, STEP_SNAPSHOT_FILE);
}

/** The blob beside a bundle, if one was built for it. */
export function findStepSnapshot(bundlePath: string): string | null {
  const path = stepSnapshotPath(dirname(bundlePath));
  return existsSync(path) ? path : null;
}
