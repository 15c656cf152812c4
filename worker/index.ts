/**
 * The Worker's entry point: `fetch` (the Hono app: API and dashboard), `scheduled` (the daemon,
 * every minute) and the RunCoordinator Durable Object's class, which wrangler.toml binds.
 */

import { consumeAlertQueue } from "./alerts/deliver-alerts";
import { app } from "./app";
import { runDaemon } from "./daemon/daemon";

export { RunCoordinator } from "./coordinator/run-coordinator.do";

export default {
  fetch: app.fetch,
  // The daemon (DESIGN.md §6), every minute: `[triggers] crons` in wrangler.toml.
  async scheduled(controller, env) {
    await runDaemon(env, controller.scheduledTime);
  },
  // Alerts' delivery queue and its dead-letter queue: `[[queues.consumers]]` in wrangler.toml.
  async queue(batch, env) {
    await consumeAlertQueue(batch, env);
  },
} satisfies ExportedHandler<Env>;
