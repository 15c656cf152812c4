/**
 * Every route of the control plane's API in one table: method, path, who may call it, its path
 * parameters, query, body and replies, each as the zod schema the handler parses or returns. The
 * OpenAPI document (openapi.ts) is built from this table and nothing else, and a workerd test
 * checks that the Hono app serves exactly these routes and that each reply matches the document,
 * so the table cannot drift from the code. It is long because it is one table: every route of
 * the API, read top to bottom in the README's order.
 */
import { z } from "zod";
import {
  AgentDefinitionsReplySchema,
  AgentDefinitionsSchema,
  AgentListSchema,
  AgentTokenListSchema,
  AgentTokenReplySchema,
  CreateAgentTokenSchema,
  CreatedAgentTokenReplySchema,
} from "./agents";
import {
  AlertDeliveryListQuerySchema,
  AlertDeliveryListSchema,
  AlertDeliveryReplySchema,
  AlertPolicyBodySchema,
  AlertPolicyListSchema,
  AlertPolicyReplySchema,
} from "./alerts";
import {
  CodeLocationListSchema,
  CodeLocationReplySchema,
  CreateCodeLocationSchema,
  EventListQuerySchema,
  EventListSchema,
  HealthSchema,
  JobListSchema,
  JobReplySchema,
  LocationNameSchema,
  RunListQuerySchema,
  RunListSchema,
  RunReplySchema,
  SubmitRunSchema,
} from "./api";
import {
  ApiTokenListSchema,
  ApiTokenReplySchema,
  AuditListSchema,
  AuditQuerySchema,
  CreateApiTokenSchema,
  CreatedApiTokenReplySchema,
} from "./api-tokens";
import {
  InstigatorTestReplySchema,
  ScheduleListSchema,
  ScheduleReplySchema,
  ScheduleTestBodySchema,
  ScheduleTickListSchema,
  SensorCursorBodySchema,
  SensorListSchema,
  SensorReplySchema,
  SensorTestBodySchema,
  SensorTickListSchema,
} from "./automation";
import { EventAckSchema, EventBatchSchema } from "./events";
import { ComputeLogChunkSchema, ComputeLogReplySchema, ReexecuteRunSchema, RunLineageSchema } from "./executors";
import { EffectiveInstanceConfigSchema, InstanceConfigOverridesSchema } from "./instance-config";
import {
  PoolLimitBodySchema,
  PoolListReplySchema,
  PoolSchema,
  PoolSlotClaimReplySchema,
  PoolSlotClaimSchema,
  PoolSlotReleaseReplySchema,
  PoolSlotRenewReplySchema,
  PoolSlotRenewSchema,
} from "./pools";
import {
  InstancePatchReplySchema,
  QueuePausedReplySchema,
  QueueQuerySchema,
  QueueReplySchema,
  UpdateRunSchema,
} from "./queue";
import type { Role } from "./roles";
import { RunStepSummarySchema } from "./step-summary";
import {
  BulkTerminateReplySchema,
  BulkTerminateSchema,
  CreateSessionSchema,
  InstanceHistoryQuerySchema,
  InstanceHistoryReplySchema,
  RunStatsQuerySchema,
  RunStatsSchema,
  SessionReplySchema,
} from "./ui-api";

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

/** Schedules and sensors are named by name; `?location=` tells two of the same name apart. */
export const InstigatorQuerySchema = z.object({
  location: LocationNameSchema.optional().describe("the code location, when two locations have one of this name"),
});
export const TickListQuerySchema = InstigatorQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("most recent ticks first"),
});
export const ComputeLogQuerySchema = z.object({
  stdout_offset: z.coerce.number().int().nonnegative().default(0).describe("bytes already read from stdout"),
  stderr_offset: z.coerce.number().int().nonnegative().default(0).describe("bytes already read from stderr"),
});
export const ComputeLogStoredReplySchema = z.object({ stored_through: z.number().int().nonnegative() });
/** `GET /api/openapi.json`: the document itself, kept opaque here (openapi.ts builds it). */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

const RunIdParams = z.object({ id: z.string().describe("the run's id (a UUIDv7)") });
const StepParams = RunIdParams.extend({ step: z.string().describe("the step key") });
const LocationParams = z.object({ name: LocationNameSchema });
const InstigatorParams = z.object({ name: z.string().describe("the schedule's or sensor's name") });
const AlertIdParams = z.object({ id: z.string().describe("the policy's or delivery's id") });
const PoolParams = z.object({ pool: z.string().describe("the pool's name") });
const TokenParams = z.object({ id: z.string().describe("the token's id") });

const json = (schema: z.ZodType, description: string): RouteReply => ({ schema, description });

function automationRoutes(kind: "schedules" | "sensors"): ApiRoute[] {
  const one = kind === "schedules" ? "schedule" : "sensor";
  const Cap = kind === "schedules" ? "Schedule" : "Sensor";
  const list = kind === "schedules" ? ScheduleListSchema : SensorListSchema;
  const reply = kind === "schedules" ? ScheduleReplySchema : SensorReplySchema;
  const ticks = kind === "schedules" ? ScheduleTickListSchema : SensorTickListSchema;
  const common = { tag: "automation" } as const;
  return [
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}`,
      id: `list${Cap}s`,
      summary: `Every ${one} of every loaded code location, with its status and last tick`,
      replies: { 200: json(list, `the ${kind}`) },
    },
    ...(["start", "stop"] as const).map(
      (verb): ApiRoute => ({
        ...common,
        auth: "operator",
        method: "POST",
        path: `/api/${kind}/{name}/${verb}`,
        id: `${verb}${Cap}`,
        summary: `${verb === "start" ? "Start" : "Stop"} a ${one} (its status becomes ${verb === "start" ? "RUNNING" : "STOPPED"})`,
        params: InstigatorParams,
        query: InstigatorQuerySchema,
        replies: { 200: json(reply, `the ${one} afterwards`) },
        errors: [404, 409],
      }),
    ),
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}/{name}/ticks`,
      id: `list${Cap}Ticks`,
      summary: `A ${one}'s tick history, newest first`,
      params: InstigatorParams,
      query: TickListQuerySchema,
      replies: { 200: json(ticks, "the ticks") },
      errors: [404, 409],
    },
    {
      ...common,
      auth: "viewer",
      method: "GET",
      path: `/api/${kind}/{name}`,
      id: `get${Cap}`,
      summary: `One ${one}, with its status and last tick`,
      params: InstigatorParams,
      query: InstigatorQuerySchema,
      replies: { 200: json(reply, `the ${one}`) },
      errors: [404, 409],
    },
    {
      ...common,
      // It calls the code location's evaluation, so it needs what start and stop need.
      auth: "operator",
      method: "POST",
      path: `/api/${kind}/{name}/test`,
      id: `test${Cap}`,
      summary:
        kind === "schedules"
          ? "Evaluate one tick (the next, or `scheduled_time`) without launching or storing anything"
          : "Evaluate the sensor (with its cursor, or `cursor`) without launching or storing anything",
      params: InstigatorParams,
      query: InstigatorQuerySchema,
      body: kind === "schedules" ? ScheduleTestBodySchema : SensorTestBodySchema,
      replies: { 200: json(InstigatorTestReplySchema, "run requests, skip reason or the evaluation's error") },
      errors: [404, 409],
    },
    ...(kind === "sensors"
      ? [
          {
            ...common,
            auth: "operator",
            method: "PUT",
            path: "/api/sensors/{name}/cursor",
            id: "setSensorCursor",
            summary: "Set a sensor's cursor, or reset it with null",
            params: InstigatorParams,
            query: InstigatorQuerySchema,
            body: SensorCursorBodySchema,
            replies: { 200: json(reply, "the sensor afterwards") },
            errors: [404, 409],
          } satisfies ApiRoute,
        ]
      : []),
  ];
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/api/health",
    auth: "none",
    id: "getHealth",
    tag: "instance",
    summary: "Liveness and version",
    replies: { 200: json(HealthSchema, "the control plane is up") },
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    auth: "none",
    id: "getOpenApiDocument",
    tag: "instance",
    summary: "This document: the API's contract as OpenAPI 3.1",
    replies: { 200: json(OpenApiDocumentSchema, "the OpenAPI document") },
  },
  {
    method: "GET",
    path: "/api/docs",
    auth: "none",
    id: "getApiReference",
    tag: "instance",
    summary: "This document as a readable reference page",
    replies: { 200: { html: true, description: "an HTML page" } },
  },
  {
    method: "POST",
    path: "/api/session",
    auth: "none",
    id: "createSession",
    tag: "session",
    summary: "Sign in: trade the admin token for an HttpOnly, SameSite=Strict session cookie",
    body: CreateSessionSchema,
    replies: { 200: json(SessionReplySchema, "signed in; the cookie is set") },
    errors: [401, 403],
  },
  {
    method: "GET",
    path: "/api/session",
    auth: "none",
    id: "getSession",
    tag: "session",
    summary: "Whether the session cookie is signed in, and until when",
    replies: { 200: json(SessionReplySchema, "signed in") },
    errors: [401],
  },
  {
    method: "DELETE",
    path: "/api/session",
    auth: "none",
    id: "deleteSession",
    tag: "session",
    summary: "Sign out: clear the session cookie",
    replies: { 204: null },
  },
  {
    method: "GET",
    path: "/api/instance",
    auth: "viewer",
    id: "getInstance",
    tag: "instance",
    summary: "The effective instance config, each value with its source",
    replies: { 200: json(EffectiveInstanceConfigSchema, "the effective config") },
  },
  {
    method: "PATCH",
    path: "/api/instance",
    auth: "admin",
    id: "patchInstance",
    tag: "instance",
    summary: "Override settings (a deep-partial config), validated, audited and applied at once",
    body: InstanceConfigOverridesSchema,
    replies: { 200: json(InstancePatchReplySchema, "the effective config afterwards and what changed") },
  },
  {
    method: "GET",
    path: "/api/code-locations",
    auth: "viewer",
    id: "listCodeLocations",
    tag: "workspace",
    summary: "The workspace: every code location and whether it loaded",
    replies: { 200: json(CodeLocationListSchema, "the code locations") },
  },
  {
    method: "POST",
    path: "/api/code-locations",
    auth: "admin",
    id: "createCodeLocation",
    tag: "workspace",
    summary: "Register a code location server and load its definitions",
    body: CreateCodeLocationSchema,
    replies: { 201: json(CodeLocationReplySchema, "registered (look at its status: LOADED or LOAD_ERROR)") },
    errors: [409],
  },
  {
    method: "PUT",
    path: "/api/code-locations/{name}",
    auth: "admin",
    id: "putCodeLocation",
    tag: "workspace",
    summary: "Create or replace a code location, then load it",
    params: LocationParams,
    body: CreateCodeLocationSchema.omit({ name: true }),
    replies: {
      200: json(CodeLocationReplySchema, "replaced"),
      201: json(CodeLocationReplySchema, "created"),
    },
  },
  {
    method: "POST",
    path: "/api/code-locations/{name}/reload",
    auth: "operator",
    id: "reloadCodeLocation",
    tag: "workspace",
    summary: "Fetch a code location's definitions again",
    params: LocationParams,
    replies: { 200: json(CodeLocationReplySchema, "reloaded (look at its status)") },
    errors: [404],
  },
  {
    method: "DELETE",
    path: "/api/code-locations/{name}",
    auth: "admin",
    id: "deleteCodeLocation",
    tag: "workspace",
    summary: "Remove a code location (its runs stay)",
    params: LocationParams,
    replies: { 204: null },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/jobs",
    auth: "viewer",
    id: "listJobs",
    tag: "jobs",
    summary: "The jobs of every loaded code location",
    replies: { 200: json(JobListSchema, "the jobs") },
  },
  {
    method: "GET",
    path: "/api/jobs/{location}/{job}",
    auth: "viewer",
    id: "getJob",
    tag: "jobs",
    summary: "One job with its op graph and run config JSON Schema",
    params: z.object({ location: z.string(), job: z.string() }),
    replies: { 200: json(JobReplySchema, "the job") },
    errors: [404, 409],
  },
  {
    method: "POST",
    path: "/api/runs",
    auth: "launcher",
    id: "submitRun",
    tag: "runs",
    summary: "Submit a run of a job (queued, or started at once with the default run coordinator)",
    body: SubmitRunSchema,
    idempotent: true,
    replies: { 201: json(RunReplySchema, "the new run") },
    errors: [404, 409, 422],
  },
  {
    method: "GET",
    path: "/api/runs",
    auth: "viewer",
    id: "listRuns",
    tag: "runs",
    summary: "Runs, newest first, filtered; cursor pagination with next_cursor",
    query: RunListQuerySchema,
    replies: { 200: json(RunListSchema, "one page of runs") },
  },
  {
    method: "GET",
    path: "/api/runs/stats",
    auth: "viewer",
    id: "getRunStats",
    tag: "runs",
    summary: "Runs by status over the last hours, overall and per hour",
    query: RunStatsQuerySchema,
    replies: { 200: json(RunStatsSchema, "the counts") },
  },
  {
    method: "POST",
    path: "/api/runs/terminate",
    auth: "launcher",
    id: "terminateRuns",
    tag: "runs",
    summary: "Terminate several runs; the reply says per run what happened",
    body: BulkTerminateSchema,
    replies: { 200: json(BulkTerminateReplySchema, "one result per run") },
  },
  {
    method: "GET",
    path: "/api/runs/{id}",
    auth: "viewer",
    id: "getRun",
    tag: "runs",
    summary: "One run",
    params: RunIdParams,
    replies: { 200: json(RunReplySchema, "the run") },
    errors: [404],
  },
  {
    method: "PATCH",
    path: "/api/runs/{id}",
    auth: "launcher",
    id: "updateRun",
    tag: "queue",
    summary: "Change a queued run's priority, or move it to the front of the queue",
    params: RunIdParams,
    ownRunsOnly: true,
    body: UpdateRunSchema,
    replies: { 200: json(RunReplySchema, "the run afterwards") },
    errors: [404, 409],
  },
  {
    method: "GET",
    path: "/api/runs/{id}/events",
    auth: "viewer",
    id: "listRunEvents",
    tag: "runs",
    summary:
      "A page of a run's event log, keyset-paged by event id (`after`, `before` or `tail=true`), filtered by step, level and text; pass `cursor` back as `after` to follow it",
    params: RunIdParams,
    query: EventListQuerySchema,
    replies: { 200: json(EventListSchema, "the events") },
    errors: [400, 404],
  },
  {
    method: "GET",
    path: "/api/runs/{id}/steps",
    auth: "viewer",
    id: "getRunStepSummary",
    tag: "runs",
    summary:
      "A run's steps (each attempt's start, end and outcome), its failures and daemon decisions, and its log's length — without reading the log",
    params: RunIdParams,
    replies: { 200: json(RunStepSummarySchema, "the step summary") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/terminate",
    auth: "launcher",
    id: "terminateRun",
    tag: "runs",
    summary: "Terminate a run (QUEUED → CANCELED; STARTED → CANCELING → CANCELED)",
    params: RunIdParams,
    replies: { 200: json(RunReplySchema, "the run afterwards") },
    errors: [404, 409],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/reexecute",
    auth: "launcher",
    id: "reexecuteRun",
    tag: "runs",
    summary: "Re-execute a finished run, FROM_FAILURE or ALL_STEPS",
    params: RunIdParams,
    body: ReexecuteRunSchema,
    idempotent: true,
    replies: { 201: json(RunReplySchema, "the new run") },
    errors: [404, 409],
  },
  {
    method: "GET",
    path: "/api/runs/{id}/lineage",
    auth: "viewer",
    id: "getRunLineage",
    tag: "runs",
    summary: "A run's re-execution plan and every run with the same root",
    params: RunIdParams,
    replies: { 200: json(RunLineageSchema, "the lineage") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/runs/{id}/compute-logs/{step}",
    auth: "viewer",
    id: "getComputeLogs",
    tag: "runs",
    summary: "A step's captured stdout and stderr from an offset on (tail it by passing the offsets back)",
    params: StepParams,
    query: ComputeLogQuerySchema,
    replies: { 200: json(ComputeLogReplySchema, "what was captured since the offsets") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/queue",
    auth: "viewer",
    id: "getQueue",
    tag: "queue",
    summary: "The queue in launch order, each run with why it waits",
    query: QueueQuerySchema,
    replies: { 200: json(QueueReplySchema, "the queue") },
  },
  {
    method: "POST",
    path: "/api/queue/pause",
    auth: "operator",
    id: "pauseQueue",
    tag: "queue",
    summary: "Pause admission: queued runs stay queued",
    replies: { 200: json(QueuePausedReplySchema, "paused") },
  },
  {
    method: "POST",
    path: "/api/queue/resume",
    auth: "operator",
    id: "resumeQueue",
    tag: "queue",
    summary: "Resume admission",
    replies: { 200: json(QueuePausedReplySchema, "resumed") },
  },
  ...automationRoutes("schedules"),
  ...automationRoutes("sensors"),
  {
    method: "GET",
    path: "/api/concurrency/pools",
    auth: "viewer",
    id: "listPools",
    tag: "concurrency",
    summary: "Op concurrency pools: limit and its source, slots held, claims waiting",
    replies: { 200: json(PoolListReplySchema, "the pools") },
  },
  {
    method: "GET",
    path: "/api/concurrency/pools/{pool}",
    auth: "viewer",
    id: "getPool",
    tag: "concurrency",
    summary: "One op concurrency pool",
    params: PoolParams,
    replies: { 200: json(PoolSchema, "the pool") },
  },
  {
    method: "PUT",
    path: "/api/concurrency/pools/{pool}",
    auth: "operator",
    id: "setPoolLimit",
    tag: "concurrency",
    summary: "Set one pool's limit (an audited override of concurrency.pools.limits)",
    params: PoolParams,
    body: PoolLimitBodySchema,
    replies: { 200: json(PoolSchema, "the pool afterwards") },
  },
  {
    method: "DELETE",
    path: "/api/concurrency/pools/{pool}",
    auth: "operator",
    id: "deletePoolLimit",
    tag: "concurrency",
    summary: "Delete one pool's own limit (default_limit applies again, or none), audited",
    params: PoolParams,
    replies: { 200: json(PoolSchema, "the pool afterwards") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/events",
    auth: "run_token",
    id: "ingestRunEvents",
    tag: "run workers",
    summary: "A run worker's event batch; a redelivered event is stored once",
    params: RunIdParams,
    body: EventBatchSchema,
    replies: { 200: json(EventAckSchema, "stored through this sequence number") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/compute-logs/{step}",
    auth: "run_token",
    id: "uploadComputeLogs",
    tag: "run workers",
    summary: "A chunk of a step's stdout or stderr at a byte offset (re-sending an offset replaces it)",
    params: StepParams,
    body: ComputeLogChunkSchema,
    replies: { 200: json(ComputeLogStoredReplySchema, "stored through this byte offset") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/pool-slots",
    auth: "run_token",
    id: "claimPoolSlot",
    tag: "run workers",
    summary: "Claim an op concurrency pool slot for a step, waiting up to wait_ms for one",
    params: RunIdParams,
    body: PoolSlotClaimSchema,
    replies: { 200: json(PoolSlotClaimReplySchema, "granted, or still waiting") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/pool-slots/renew",
    auth: "run_token",
    id: "renewPoolSlots",
    tag: "run workers",
    summary: "Renew the leases of the slots a run's steps hold",
    params: RunIdParams,
    body: PoolSlotRenewSchema,
    replies: { 200: json(PoolSlotRenewReplySchema, "the leases renewed") },
    errors: [404],
  },
  {
    method: "DELETE",
    path: "/api/runs/{id}/pool-slots/{step}",
    auth: "run_token",
    id: "releasePoolSlot",
    tag: "run workers",
    summary: "Release the slot a step holds",
    params: StepParams,
    replies: { 200: json(PoolSlotReleaseReplySchema, "whether a slot was released") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/instance/history",
    auth: "viewer",
    id: "getInstanceHistory",
    tag: "instance",
    summary: "The audit trail of instance setting changes: overrides, pool limits, pause and resume",
    query: InstanceHistoryQuerySchema,
    replies: { 200: json(InstanceHistoryReplySchema, "the changes, newest first") },
  },
  {
    method: "GET",
    path: "/api/alerts/policies",
    auth: "viewer",
    id: "listAlertPolicies",
    tag: "alerts",
    summary: "Every alert policy",
    replies: { 200: json(AlertPolicyListSchema, "the policies") },
  },
  {
    method: "POST",
    path: "/api/alerts/policies",
    auth: "operator",
    id: "createAlertPolicy",
    tag: "alerts",
    summary: "Create an alert policy: what to watch, filters, and where to send it",
    body: AlertPolicyBodySchema,
    replies: { 201: json(AlertPolicyReplySchema, "the policy") },
    errors: [409],
  },
  {
    method: "GET",
    path: "/api/alerts/policies/{id}",
    auth: "viewer",
    id: "getAlertPolicy",
    tag: "alerts",
    summary: "One alert policy",
    params: AlertIdParams,
    replies: { 200: json(AlertPolicyReplySchema, "the policy") },
    errors: [404],
  },
  {
    method: "PUT",
    path: "/api/alerts/policies/{id}",
    auth: "operator",
    id: "updateAlertPolicy",
    tag: "alerts",
    summary: "Replace an alert policy's settings",
    params: AlertIdParams,
    body: AlertPolicyBodySchema,
    replies: { 200: json(AlertPolicyReplySchema, "the policy afterwards") },
    errors: [404, 409],
  },
  {
    method: "DELETE",
    path: "/api/alerts/policies/{id}",
    auth: "operator",
    id: "deleteAlertPolicy",
    tag: "alerts",
    summary: "Delete an alert policy and its delivery log",
    params: AlertIdParams,
    replies: { 204: null },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/alerts/policies/{id}/deliveries",
    auth: "viewer",
    id: "listAlertDeliveries",
    tag: "alerts",
    summary: "A policy's delivery log: status, response code, attempts",
    params: AlertIdParams,
    query: AlertDeliveryListQuerySchema,
    replies: { 200: json(AlertDeliveryListSchema, "the deliveries, newest first") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/alerts/policies/{id}/test",
    auth: "operator",
    id: "sendTestAlert",
    tag: "alerts",
    summary: "Send a test alert through the policy's destination",
    params: AlertIdParams,
    replies: { 202: json(AlertDeliveryReplySchema, "the queued delivery") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/alerts/deliveries/{id}/resend",
    auth: "operator",
    id: "resendAlert",
    tag: "alerts",
    summary: "Send a delivery again, with the same webhook-id and body",
    params: AlertIdParams,
    replies: { 202: json(AlertDeliveryReplySchema, "the queued delivery") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/tokens",
    auth: "admin",
    id: "listApiTokens",
    tag: "access",
    summary: "Every API token: name, role, creator, created, last used, expiry, revoked (never the secret)",
    replies: { 200: json(ApiTokenListSchema, "the tokens, newest first") },
  },
  {
    method: "POST",
    path: "/api/tokens",
    auth: "admin",
    id: "createApiToken",
    tag: "access",
    summary: "Create an API token with a role; the reply holds its secret, shown this once",
    body: CreateApiTokenSchema,
    replies: { 201: json(CreatedApiTokenReplySchema, "the token and its secret") },
  },
  {
    method: "DELETE",
    path: "/api/tokens/{id}",
    auth: "admin",
    id: "revokeApiToken",
    tag: "access",
    summary: "Revoke an API token: it and every session signed in with it stop working at once",
    params: TokenParams,
    replies: { 200: json(ApiTokenReplySchema, "the token, revoked") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/agents",
    auth: "viewer",
    id: "listAgents",
    tag: "agents",
    summary: "The connected agents: code location, definitions version, max runs, runs held, last ping",
    replies: { 200: json(AgentListSchema, "the agents connected now") },
  },
  {
    method: "PUT",
    path: "/api/agents/definitions",
    auth: "agent_token",
    id: "putAgentDefinitions",
    tag: "agents",
    summary: "An agent registers (or updates) its token's code location from the definitions it serves",
    body: AgentDefinitionsSchema,
    replies: { 200: json(AgentDefinitionsReplySchema, "the code location, LOADED, and the definitions' version") },
    errors: [409],
  },
  {
    method: "GET",
    path: "/api/agents/connect",
    auth: "agent_token",
    id: "connectAgent",
    tag: "agents",
    summary: "An agent's WebSocket to the run coordinator: hello, launches, terminations, pings (protocol/agents.ts)",
    replies: { 101: null },
    errors: [426],
  },
  {
    method: "GET",
    path: "/api/agent-tokens",
    auth: "admin",
    id: "listAgentTokens",
    tag: "agents",
    summary: "Every agent token: name, code location, creator, created, last used, revoked (never the secret)",
    replies: { 200: json(AgentTokenListSchema, "the agent tokens, newest first") },
  },
  {
    method: "POST",
    path: "/api/agent-tokens",
    auth: "admin",
    id: "createAgentToken",
    tag: "agents",
    summary: "Create an agent token for one code location; the reply holds its secret, shown this once",
    body: CreateAgentTokenSchema,
    replies: { 201: json(CreatedAgentTokenReplySchema, "the token and its secret") },
  },
  {
    method: "DELETE",
    path: "/api/agent-tokens/{id}",
    auth: "admin",
    id: "revokeAgentToken",
    tag: "agents",
    summary: "Revoke an agent token: no agent can connect with it any more",
    params: TokenParams,
    replies: { 200: json(AgentTokenReplySchema, "the token, revoked") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/audit",
    auth: "viewer",
    id: "listAudit",
    tag: "access",
    summary: "The audit log: every change, who made it (token or session), newest first",
    query: AuditQuerySchema,
    replies: { 200: json(AuditListSchema, "one page of the audit log") },
  },
];
