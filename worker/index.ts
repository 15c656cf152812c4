/**
 * The Worker's entry point. Only `fetch` for now; the daemon's `scheduled` handler and the
 * RunCoordinator Durable Object export join it in later issues.
 */
import { app } from "./app";
import { runDaemon } from "./daemon/daemon";

export { RunCoordinator } from "./coordinator/run-coordinator.do";

export default {
  fetch: app.fetch,
  // The daemon (DESIGN.md §6), every minute: `[triggers] crons` in wrangler.toml.
  async scheduled(controller, env) {
    await runDaemon(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
