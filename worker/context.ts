/**
 * The Hono environment every route shares: the Worker's bindings and the per-request variables
 * set by middleware (the request id).
 */
import type { RequestIdVariables } from "hono/request-id";

export type AppEnv = {
  Bindings: Env;
  Variables: RequestIdVariables;
};
