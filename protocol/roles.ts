/**
 * Roles of API tokens and dashboard sessions, from least to most power. Each holds every power of
 * the roles before it (Dagster+'s Viewer, Launcher, Editor, Admin, with Editor's share of the
 * instance named for what it does here):
 * - `viewer` reads everything but the token list;
 * - `launcher` also launches, terminates and re-executes runs, and reorders the queued runs it
 *   launched;
 * - `operator` also pauses the queue, starts and stops schedules and sensors, reloads code
 *   locations, edits pools and alert policies, and reorders any queued run;
 * - `admin` also changes the instance config, registers and removes code locations, and manages
 *   API tokens.
 * The route table (api-routes.ts) names the least role of every route.
 */
import { z } from "zod";

export const RoleSchema = z.enum(["viewer", "launcher", "operator", "admin"]);
export type Role = z.infer<typeof RoleSchema>;

/** Whether a credential of role `held` may call a route whose least role is `needed`. */
export function hasRole(held: Role, needed: Role): boolean {
  return RoleSchema.options.indexOf(held) >= RoleSchema.options.indexOf(needed);
}
