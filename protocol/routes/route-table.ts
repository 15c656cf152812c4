/** The shape of one route in the API's table (../api-routes.ts), and the path parameters several route groups share. */
import { z } from "zod";
import { LocationNameSchema } from "../api";
import type { Role } from "../roles";

/**
 * Who may call a route. A role (roles.ts): an API token, the admin token, or a dashboard session
 * of at least that role (a change by session cookie must also come from the dashboard's origin).
 * `run_token`: the run token of the run named in the path, current attempt only (DESIGN.md §5.3).
 * `agent_token`: an agent token (agents.ts), checked by the handler; it acts for its code location only.
 * `none`: anyone. One middleware (worker/auth/authorize.ts) enforces it for every route.
 */
export type RouteAuth = "none" | Role | "run_token" | "agent_token";
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A reply: a JSON body parsed by `schema`, an HTML page, or no body (204). */
export type RouteReply = { schema: z.ZodType; description: string } | { html: true; description: string } | null;

export interface ApiRoute {
  readonly method: HttpMethod;
  /** OpenAPI's form: `/api/runs/{id}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Used as the document's operationId and the reference page's anchor. */
  readonly id: string;
  readonly tag: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success replies by status. */
  readonly replies: Readonly<Record<number, RouteReply>>;
  /** Error statuses this route answers besides the ones its auth, params and body imply. */
  readonly errors?: readonly number[];
  /** A `launcher` may call it only for a run it launched itself; `operator` and `admin` for any. */
  readonly ownRunsOnly?: true;
  /** Takes an `Idempotency-Key` header: a retry with the same key and body gets the same run back. */
  readonly idempotent?: true;
}

export const ComputeLogQuerySchema = z.object({
  stdout_offset: z.coerce.number().int().nonnegative().default(0).describe("bytes already read from stdout"),
  stderr_offset: z.coerce.number().int().nonnegative().default(0).describe("bytes already read from stderr"),
});
export const ComputeLogStoredReplySchema = z.object({ stored_through: z.number().int().nonnegative() });
/** `GET /api/openapi.json`: the document itself, kept opaque here (openapi.ts builds it). */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

export const RunIdParams = z.object({ id: z.string().describe("the run's id (a UUIDv7)") });
export const StepParams = RunIdParams.extend({ step: z.string().describe("the step key") });
export const LocationParams = z.object({ name: LocationNameSchema });
export const InstigatorParams = z.object({ name: z.string().describe("the schedule's or sensor's name") });
export const AlertIdParams = z.object({ id: z.string().describe("the policy's or delivery's id") });
export const PoolParams = z.object({ pool: z.string().describe("the pool's name") });
export const TokenParams = z.object({ id: z.string().describe("the token's id") });

export const json = (schema: z.ZodType, description: string): RouteReply => ({ schema, description });
