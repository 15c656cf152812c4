/**
 * Who made a change, for the audit log (DESIGN.md §2, §4): the admin token or a dashboard session
 * signed in with it. API tokens with names (a later issue) will name themselves here.
 */
import type { Context } from "hono";
import type { AppEnv } from "../context";

export function actorOf(c: Context<AppEnv>): string {
  return c.req.header("authorization") === undefined ? "dashboard session" : "admin token";
}
