/**
 * The Worker's entry point. Only `fetch` for now; the daemon's `scheduled` handler and the
 * RunCoordinator Durable Object export join it in later issues.
 */
import { app } from "./app";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
