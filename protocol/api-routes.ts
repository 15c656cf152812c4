/**
 * Every route of the control plane's API in one list: method, path, who may call it, its path
 * parameters, query, body and replies, each as the zod schema the handler parses or returns. The
 * routes are written by concept in routes/ (instance, workspace, runs and queue, automation,
 * concurrency, run workers, alerts, access, agents) and read here in the README's order. The
 * OpenAPI document (openapi.ts) and the role matrix are built from this list and nothing else, and
 * a workerd test checks that the Hono app serves exactly these routes and that each reply matches
 * the document, so the list cannot drift from the code.
 */
import { ACCESS_ROUTES } from "./routes/access-routes";
import { AGENT_ROUTES } from "./routes/agent-routes";
import { ALERT_ROUTES } from "./routes/alert-routes";
import { AUTOMATION_ROUTES } from "./routes/automation-routes";
import { CONCURRENCY_ROUTES } from "./routes/concurrency-routes";
import { INSTANCE_ROUTES } from "./routes/instance-routes";
import type { ApiRoute } from "./routes/route-table";
import { RUN_ROUTES } from "./routes/run-routes";
import { RUN_WORKER_ROUTES } from "./routes/run-worker-routes";
import { WORKSPACE_ROUTES } from "./routes/workspace-routes";

export { InstigatorQuerySchema, TickListQuerySchema } from "./routes/automation-routes";
export {
  type ApiRoute,
  ComputeLogQuerySchema,
  ComputeLogStoredReplySchema,
  type HttpMethod,
  OpenApiDocumentSchema,
  type RouteAuth,
  type RouteReply,
} from "./routes/route-table";

export const API_ROUTES: readonly ApiRoute[] = [
  ...INSTANCE_ROUTES,
  ...WORKSPACE_ROUTES,
  ...RUN_ROUTES,
  ...AUTOMATION_ROUTES,
  ...CONCURRENCY_ROUTES,
  ...RUN_WORKER_ROUTES,
  ...ALERT_ROUTES,
  ...ACCESS_ROUTES,
  ...AGENT_ROUTES,
];
