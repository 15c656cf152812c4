/** What the run services share: the database, the clock, and the launcher to reach run workers. */
import type { RunLauncher } from "../launcher/run-launcher";
import type { Database } from "../storage/db";

export type RunDeps = { db: Database; now: () => number; launcher: RunLauncher };
