/** The route table: every page lazy-loaded, matched in order. */
import type { ComponentType } from "preact";
import { lazyPage } from "./lib/lazy";

export type RouteProps = { params: Record<string, string> };
export type Route = { pattern: string; page: ComponentType<RouteProps>; nav: string };

export const ROUTES: Route[] = [
  { pattern: "/", nav: "overview", page: lazyPage(() => import("./pages/overview")) },
  { pattern: "/runs", nav: "runs", page: lazyPage(() => import("./pages/runs/runs-page")) },
  { pattern: "/runs/:id", nav: "runs", page: lazyPage(() => import("./pages/run/run-page")) },
  { pattern: "/queue", nav: "queue", page: lazyPage(() => import("./pages/queue/queue-page")) },
  { pattern: "/jobs", nav: "jobs", page: lazyPage(() => import("./pages/jobs/jobs-page")) },
  { pattern: "/jobs/:location/:job", nav: "jobs", page: lazyPage(() => import("./pages/jobs/job-page")) },
  {
    pattern: "/jobs/:location/:job/launchpad",
    nav: "jobs",
    page: lazyPage(() => import("./pages/launchpad/launchpad-page")),
  },
  { pattern: "/schedules", nav: "schedules", page: lazyPage(() => import("./pages/automation/schedules-page")) },
  { pattern: "/sensors", nav: "sensors", page: lazyPage(() => import("./pages/automation/sensors-page")) },
  { pattern: "/locations", nav: "locations", page: lazyPage(() => import("./pages/code-locations")) },
  { pattern: "/pools", nav: "pools", page: lazyPage(() => import("./pages/pools/pools-page")) },
  { pattern: "/alerts", nav: "alerts", page: lazyPage(() => import("./pages/alerts/alerts-page")) },
  { pattern: "/instance", nav: "instance", page: lazyPage(() => import("./pages/instance")) },
];
