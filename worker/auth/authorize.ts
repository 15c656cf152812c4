/**
 * The one gate of the API: for every request it finds the route in the route table
 * (protocol/api-routes.ts), and when the route needs a role it authenticates the caller
 * (authenticate.ts) and refuses one whose role is below the route's (403). A launcher may reorder
 * only runs it launched (`ownRunsOnly`). A change by session cookie must come from the dashboard's
 * origin (origin-check.ts). Every change that succeeds is written to the audit log naming the
 * token or session that made it — by the handler when it records details of its own
 * (actor.ts `auditActor`), here otherwise. Run-token routes check their token in their handler,
 * which needs the run's attempt (run-token-scope.ts); agent-token routes likewise (agent-token.ts).
 */
import { createMiddleware } from "hono/factory";
import { hasRole, TAG } from "../../protocol";
import type { AppEnv } from "../app-env";
import { ForbiddenError } from "../errors";
import { appendAudit } from "../storage/instance-overrides-repo";
import { getRun } from "../storage/runs-repo";
import { authenticate } from "./authenticate";
import { hasSameOrigin, isSafeMethod } from "./origin-check";
import { matchApiRoute } from "./route-match";

export const authorize = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  const match = matchApiRoute(method, c.req.path);
  // Not in the table, so not served: answered here, so nothing unlisted can run unchecked.
  if (!match) return c.notFound();
  const { route, params } = match;
  if (route.auth === "none" || route.auth === "run_token" || route.auth === "agent_token") return next();

  const { db } = c.get("deps");
  const now = Date.now();
  const principal = await authenticate(c, db, now);
  if (!hasRole(principal.role, route.auth)) {
    throw new ForbiddenError(
      `${route.method} ${route.path} needs the ${route.auth} role or above; this credential (${principal.actor}) has ${principal.role}.`,
    );
  }
  if (principal.session !== null && !isSafeMethod(c.req.method) && !hasSameOrigin(c.req.url, c.req.header("origin"))) {
    throw new ForbiddenError("A change made with the dashboard session must come from the dashboard's own origin.");
  }
  if (route.ownRunsOnly && principal.role === "launcher" && params.id !== undefined) {
    const run = await getRun(db, params.id);
    if (run && run.tags[TAG.user] !== principal.owner) {
      throw new ForbiddenError(
        `Run ${run.id} was launched by someone else; a launcher may change only the runs it launched (an operator may change any).`,
      );
    }
  }
  c.set("principal", principal);
  await next();

  if (!isSafeMethod(c.req.method) && c.res.status < 400 && !c.get("audited")) {
    const target = Object.values(params).join("/") || null;
    await appendAudit(db, { ts: now, actor: principal.actor, action: route.id, target });
  }
});
