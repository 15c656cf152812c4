/**
 * The dashboard shell: the left nav, the connection banner, and the page of the current route.
 * Until the session is known it shows nothing; signed out, every path shows the sign-in page.
 */
import { useSignal } from "@preact/signals";
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
  { key: "agents", href: "/agents", label: "Agents" },
  { key: "pools", href: "/pools", label: "Pools" },
  { key: "alerts", href: "/alerts", label: "Alerts" },
  { key: "instance", href: "/instance", label: "Instance" },
  { key: "tokens", href: "/tokens", label: "API tokens" },
  { key: "audit", href: "/audit", label: "Audit log" },
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
  return <Shell found={found} path={path} />;
}

/** Skip link, main nav (a menu button on narrow screens), the page; the tab is titled after the page. */
function Shell({ found, path }: { found: ReturnType<typeof findRoute>; path: string }) {
  const menuOpen = useSignal(false);
  const title = found
    ? typeof found.route.title === "string"
      ? found.route.title
      : found.route.title(found.params)
    : "No such page";
  useEffect(() => {
    document.title = `${title} · Flightdeck`;
  }, [title]);
  useEffect(() => {
    menuOpen.value = false;
  }, [path]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main" data-testid="skip-link">
        Skip to content
      </a>
      <nav class={`nav${menuOpen.value ? " open" : ""}`} aria-label="Main">
        <div class="nav-top">
          <Link href="/" class="brand">
            <span class="brand-mark" aria-hidden="true">
              ◆
            </span>{" "}
            Flightdeck
          </Link>
          <button
            type="button"
            class="nav-toggle"
            aria-expanded={menuOpen.value}
            aria-controls="nav-links"
            data-testid="nav-toggle"
            onClick={() => {
              menuOpen.value = !menuOpen.value;
            }}
          >
            Menu
          </button>
        </div>
        <div class="nav-links" id="nav-links">
          {NAV.map((item) => {
            const current = found?.route.nav === item.key;
            return (
              <Link
                key={item.key}
                href={item.href}
                class={`nav-item${current ? " active" : ""}`}
                aria-current={current ? "page" : undefined}
                data-testid={`nav-${item.key}`}
              >
                {item.label}
              </Link>
            );
          })}
          <div class="nav-spacer" />
          <SignOutButton />
        </div>
      </nav>
      <main class="main" id="main" tabIndex={-1}>
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
