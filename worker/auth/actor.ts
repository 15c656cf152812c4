/**
 * Who made a change, for the audit log (DESIGN.md §2, §4): the admin token or a dashboard session
 * signed in with it — the only two credentials that can change anything, so the only two actors.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env";

export function actorOf(c: Context<AppEnv>): string {
  return c.req.header("authorization") === undefined ? "dashboard session" : "admin token";
}
