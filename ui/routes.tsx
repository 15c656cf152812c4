/** The route table: every page lazy-loaded, matched in order. */
import type { ComponentType } from "preact";
import { lazyPage } from "./lib/lazy";
import { shortRunId } from "./lib/run-id";

export type RouteProps = { params: Record<string, string> };
/** `title`: the page's name in the browser tab (pages with a subject, like a run, refine it). */
export type Route = {
  pattern: string;
  page: ComponentType<RouteProps>;
  nav: string;
  title: string | ((params: Record<string, string>) => string);
};

export const ROUTES: Route[] = [
  { pattern: "/", title: "Overview", nav: "overview", page: lazyPage(() => import("./pages/overview")) },
  { pattern: "/runs", title: "Runs", nav: "runs", page: lazyPage(() => import("./pages/runs/runs-page")) },
  {
    pattern: "/runs/:id",
    title: (p) => `Run ${shortRunId(p.id ?? "")}`,
    nav: "runs",
    page: lazyPage(() => import("./pages/run/run-page")),
  },
  { pattern: "/queue", title: "Queue", nav: "queue", page: lazyPage(() => import("./pages/queue/queue-page")) },
  { pattern: "/jobs", title: "Jobs", nav: "jobs", page: lazyPage(() => import("./pages/jobs/jobs-page")) },
  {
    pattern: "/jobs/:location/:job",
    title: (p) => `${p.job} · Jobs`,
    nav: "jobs",
    page: lazyPage(() => import("./pages/jobs/job-page")),
  },
  {
    pattern: "/jobs/:location/:job/launchpad",
    title: (p) => `Launchpad · ${p.job}`,
    nav: "jobs",
    page: lazyPage(() => import("./pages/launchpad/launchpad-page")),
  },
  {
    pattern: "/schedules",
    title: "Schedules",
    nav: "schedules",
    page: lazyPage(() => import("./pages/automation/schedules-page")),
  },
  {
    pattern: "/schedules/:location/:name",
    title: (p) => `${p.name} · Schedules`,
    nav: "schedules",
    page: lazyPage(() => import("./pages/automation/schedule-page")),
  },
  {
    pattern: "/sensors",
    title: "Sensors",
    nav: "sensors",
    page: lazyPage(() => import("./pages/automation/sensors-page")),
  },
  {
    pattern: "/sensors/:location/:name",
    title: (p) => `${p.name} · Sensors`,
    nav: "sensors",
    page: lazyPage(() => import("./pages/automation/sensor-page")),
  },
  {
    pattern: "/locations",
    title: "Code locations",
    nav: "locations",
    page: lazyPage(() => import("./pages/code-locations")),
  },
  { pattern: "/agents", title: "Agents", nav: "agents", page: lazyPage(() => import("./pages/agents/agents-page")) },
  { pattern: "/pools", title: "Pools", nav: "pools", page: lazyPage(() => import("./pages/pools/pools-page")) },
  { pattern: "/alerts", title: "Alerts", nav: "alerts", page: lazyPage(() => import("./pages/alerts/alerts-page")) },
  {
    pattern: "/tokens",
    title: "API tokens",
    nav: "tokens",
    page: lazyPage(() => import("./pages/access/tokens-page")),
  },
  { pattern: "/audit", title: "Audit log", nav: "audit", page: lazyPage(() => import("./pages/access/audit-page")) },
  {
    pattern: "/instance",
    title: "Instance",
    nav: "instance",
    page: lazyPage(() => import("./pages/instance/instance-page")),
  },
];
