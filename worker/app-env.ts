/**
 * The Hono environment every route shares: the Worker's bindings and the per-request variables
 * set by middleware — the request id, and `deps`, the request's wiring (wiring.ts `wire`).
 */
import type { RequestIdVariables } from "hono/request-id";
import type { Deps } from "./wiring";

export type AppEnv = {
  Bindings: Env;
  Variables: RequestIdVariables & { deps: Deps };
};
