/**
 * The Hono root of the control plane (Dagster's webserver, API half): request ids, the 1 MB body
 * limit, the one gate that checks every route's role (auth/authorize.ts), the routes of each area, and the one place errors become replies. Every non-2xx reply is
 * the protocol's error envelope; a DomainError says its own status and code, anything else is a
 * bug — logged with the request id and answered as an opaque 500.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode, ErrorEnvelope } from "../protocol";
import { agentTokenRoutes } from "./api/agent-tokens";
import { agentRoutes } from "./api/agents";
import { alertRoutes } from "./api/alerts";
import { auditRoutes } from "./api/audit";
import { bulkTerminateRoutes } from "./api/bulk-terminate";
import { codeLocationRoutes } from "./api/code-locations";
import { computeLogRoutes } from "./api/compute-logs";
import { healthRoutes } from "./api/health";
import { instanceRoutes } from "./api/instance";
import { instanceHistoryRoutes } from "./api/instance-history";
import { instanceOverrideRoutes } from "./api/instance-overrides";
import { jobRoutes } from "./api/jobs";
import { openApiRoutes } from "./api/openapi";
import { poolSlotRoutes } from "./api/pool-slots";
import { poolRoutes } from "./api/pools";
import { queueRoutes } from "./api/queue";
import { reexecuteRoutes } from "./api/reexecute";
import { runEventRoutes } from "./api/run-events";
import { runPriorityRoutes } from "./api/run-priority";
import { runStatsRoutes } from "./api/run-stats";
import { runRoutes } from "./api/runs";
import { scheduleRoutes } from "./api/schedules";
import { sensorRoutes } from "./api/sensors";
import { sessionRoutes } from "./api/session";
import { tokenRoutes } from "./api/tokens";
import type { AppEnv } from "./app-env";
import { authorize } from "./auth/authorize";
import { DomainError } from "./errors";
import { limitBodyBytes } from "./http/body-limit";
import { securityHeaders } from "./http/security-headers";
import { controlPlaneUrl, wire } from "./wiring";

export const MAX_BODY_BYTES = 1024 * 1024;

function errorReply(c: Context<AppEnv>, status: ContentfulStatusCode, error: ErrorEnvelope["error"]) {
  return c.json({ error } satisfies ErrorEnvelope, status);
}

/** Codes for the HTTPExceptions Hono's own middleware may throw. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 413) return "payload_too_large";
  return "bad_request";
}

export const app = new Hono<AppEnv>();

app.use("*", requestId());
app.use("*", securityHeaders);
app.use("/api/*", limitBodyBytes(MAX_BODY_BYTES));

// One wiring per request (wiring.ts), handed to every handler as `c.get("deps")`.
app.use("/api/*", async (c, next) => {
  c.set("deps", wire(c.env, controlPlaneUrl(c.env.PUBLIC_URL, c.req.url)));
  await next();
});
// Who may call what, for every route, from the route table; and the audit row of every change.
app.use("/api/*", authorize);

app.route("/api/health", healthRoutes);
app.route("/api", openApiRoutes);
app.route("/api/code-locations", codeLocationRoutes);
app.route("/api/jobs", jobRoutes);
app.route("/api/session", sessionRoutes);
app.route("/api/schedules", scheduleRoutes);
app.route("/api/sensors", sensorRoutes);
app.route("/api/instance", instanceRoutes);
app.route("/api/instance", instanceOverrideRoutes);
app.route("/api/instance", instanceHistoryRoutes);
app.route("/api/queue", queueRoutes);
app.route("/api/concurrency/pools", poolRoutes);
app.route("/api/alerts", alertRoutes);
app.route("/api/tokens", tokenRoutes);
app.route("/api/agent-tokens", agentTokenRoutes);
app.route("/api/agents", agentRoutes);
app.route("/api/audit", auditRoutes);
// Before the routes with `/:id`, which would otherwise take "stats" and "terminate" for run ids.
app.route("/api/runs", runStatsRoutes);
app.route("/api/runs", bulkTerminateRoutes);
app.route("/api/runs", runEventRoutes);
app.route("/api/runs", reexecuteRoutes);
app.route("/api/runs", computeLogRoutes);
app.route("/api/runs", poolSlotRoutes);
app.route("/api/runs", runRoutes);
app.route("/api/runs", runPriorityRoutes);

app.notFound((c) =>
  errorReply(c, 404, {
    code: "not_found",
    message: `There is no route ${c.req.method} ${c.req.path}; the API lives under /api (see README, "API").`,
  }),
);

app.onError((err, c) => {
  if (err instanceof DomainError) {
    return errorReply(c, err.status, {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    });
  }
  if (err instanceof HTTPException && err.status < 500) {
    return errorReply(c, err.status, { code: codeForStatus(err.status), message: err.message || "Bad request." });
  }
  const id = c.get("requestId");
  console.error(`[${id}] ${c.req.method} ${c.req.path} failed:`, err);
  return errorReply(c, 500, {
    code: "internal_error",
    message: `Something went wrong on the control plane's side; quote request id ${id} when reporting it.`,
  });
});
