/**
 * Finds the route-table entry (protocol/api-routes.ts) a request is for, the way Hono's router
 * does: each `{param}` is one non-empty path segment, and where two routes fit (`/api/runs/stats`
 * and `/api/runs/{id}`) the one with more literal segments wins, as Hono's registration order
 * makes it in app.ts.
 */
import type { ApiRoute } from "../../protocol";
import { API_ROUTES } from "../../protocol";

export type RouteMatch = { route: ApiRoute; params: Record<string, string> };

type Compiled = { route: ApiRoute; segments: string[]; literals: number };

function compile(routes: readonly ApiRoute[]): Compiled[] {
  return routes
    .map((route) => {
      const segments = route.path.split("/");
      return { route, segments, literals: segments.filter((s) => !s.startsWith("{")).length };
    })
    .sort((a, b) => b.literals - a.literals);
}

const COMPILED = compile(API_ROUTES);

export function matchApiRoute(method: string, path: string): RouteMatch | null {
  const parts = path.split("/");
  for (const { route, segments } of COMPILED) {
    if (route.method !== method.toUpperCase() || segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let fits = true;
    for (let i = 0; i < segments.length && fits; i++) {
      const want = segments[i] ?? "";
      const got = parts[i] ?? "";
      if (want.startsWith("{")) {
        if (got === "") fits = false;
        else params[want.slice(1, -1)] = got;
      } else if (want !== got) fits = false;
    }
    if (fits) return { route, params };
  }
  return null;
}
