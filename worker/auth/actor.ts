/**
 * Who is making a change, for handlers that write their own audit row (with details the generic
 * one in authorize.ts lacks): the authenticated principal's name. Calling it marks the request as
 * audited, so the change is recorded once.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Principal } from "./principal";

export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error(`${c.req.method} ${c.req.path} needs a role in the route table to know its caller`);
  return principal;
}

export function auditActor(c: Context<AppEnv>): string {
  c.set("audited", true);
  return principalOf(c).actor;
}
