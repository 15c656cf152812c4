/**
 * The Hono environment every route shares: the Worker's bindings and the per-request variables
 * set by middleware — the request id; `deps`, the request's wiring (wiring.ts `wire`); `principal`,
 * who is calling, on routes that need a role (auth/authorize.ts); and `audited`, set once a
 * handler wrote the request's audit row itself (auth/actor.ts).
 */
import type { RequestIdVariables } from "hono/request-id";
import type { Principal } from "./auth/principal";
import type { Deps } from "./wiring";

export type AppEnv = {
  Bindings: Env;
  Variables: RequestIdVariables & { deps: Deps; principal?: Principal; audited?: boolean };
};
