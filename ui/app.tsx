/**
 * The dashboard shell: the left nav, the connection banner, and the page of the current route.
 * Until the session is known it shows nothing; signed out, every path shows the sign-in page.
 */
import { useEffect } from "preact/hooks";
import { ApiError } from "./api/client";
import { getSession } from "./api/endpoints";
import { Link } from "./components/link";
import { EmptyState } from "./components/notices";
import { currentLocation, matchPath } from "./lib/router";
import { ROUTES } from "./routes";
import SignInPage from "./sign-in";
import { SignOutButton } from "./sign-out";
import { unreachableSince } from "./stores/connection";
import { onUnauthorized, SIGN_IN_PATH, sessionState } from "./stores/session";

const NAV = [
  { key: "overview", href: "/", label: "Overview" },
  { key: "runs", href: "/runs", label: "Runs" },
  { key: "jobs", href: "/jobs", label: "Jobs" },
  { key: "queue", href: "/queue", label: "Queue" },
  { key: "schedules", href: "/schedules", label: "Schedules" },
  { key: "sensors", href: "/sensors", label: "Sensors" },
  { key: "locations", href: "/locations", label: "Code locations" },
  { key: "pools", href: "/pools", label: "Pools" },
  { key: "alerts", href: "/alerts", label: "Alerts" },
  { key: "instance", href: "/instance", label: "Instance" },
];

function findRoute(path: string) {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

function ConnectionBanner() {
  if (unreachableSince.value === null) return null;
  return (
    <div class="banner" role="status" data-testid="connection-banner">
      The control plane is not answering; reconnecting… Pages update again as soon as it is back.
    </div>
  );
}

export function App() {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      getSession().then(
        () => {
          sessionState.value = "signed-in";
        },
        (err: unknown) => {
          // No answer yet (the control plane is starting): ask again rather than claim signed out.
          if (err instanceof ApiError && err.status !== 401 && err.status !== 403) timer = setTimeout(check, 1000);
          else onUnauthorized();
        },
      );
    };
    check();
    return () => clearTimeout(timer);
  }, []);

  const { path } = currentLocation.value;
  if (sessionState.value === "checking") return <div class="boot">Flightdeck</div>;
  if (sessionState.value === "signed-out" || path === SIGN_IN_PATH) return <SignInPage />;

  const found = findRoute(path);
  return (
    <div class="shell">
      <nav class="nav" aria-label="Main">
        <Link href="/" class="brand">
          <span class="brand-mark">◆</span> Flightdeck
        </Link>
        {NAV.map((item) => (
          <Link
            key={item.key}
            href={item.href}
            class={`nav-item${found?.route.nav === item.key ? " active" : ""}`}
            data-testid={`nav-${item.key}`}
          >
            {item.label}
          </Link>
        ))}
        <div class="nav-spacer" />
        <SignOutButton />
      </nav>
      <main class="main">
        <ConnectionBanner />
        {found ? (
          <found.route.page key={found.route.pattern} params={found.params} />
        ) : (
          <EmptyState title="No such page" testId="not-found">
            Nothing lives at this address. <Link href="/">Go to the overview.</Link>
          </EmptyState>
        )}
      </main>
    </div>
  );
}
