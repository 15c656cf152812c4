/**
 * Global setup of the browser tests: build the dashboard once, so `wrangler dev` serves the UI
 * as it is in the tree now (not a stale ui/dist).
 */
import path from "node:path";
import { REPO_ROOT } from "../../../scripts/lib/local-stack";
import { runToCompletion } from "../../../scripts/lib/processes";

export default async function setup(): Promise<void> {
  await runToCompletion(path.join(REPO_ROOT, "node_modules/.bin/vite"), ["build", "ui", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
  });
}
