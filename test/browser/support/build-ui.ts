/**
 * Global setup of the browser tests: build the dashboard once, so `wrangler dev` serves the UI
 * as it is in the tree now (not a stale ui/dist).
 */
import { buildDashboard } from "../../../scripts/lib/dashboard-build";

export default async function setup(): Promise<void> {
  await buildDashboard();
}
