/**
 * Where a run attempt's files live in the code location server's data dir, shared by the server,
 * the run worker and the spool sweeper: `<data-dir>/runs/<run_id>/<attempt>/` holding the launch
 * request, the event spool, the run worker's exit record and its compute logs (stdout/stderr).
 */
import { join } from "node:path";

export const LAUNCH_FILE = "launch.json";
export const EXIT_FILE = "exit.json";
export const STDOUT_FILE = "stdout.log";
export const STDERR_FILE = "stderr.log";

export function runsRoot(dataDir: string): string {
  return join(dataDir, "runs");
}

/** run_ids are opaque strings; encoding keeps any of them a single, safe path segment. */
export function runAttemptDir(dataDir: string, runId: string, attempt: number): string {
  return join(runsRoot(dataDir), encodeURIComponent(runId), String(attempt));
}
