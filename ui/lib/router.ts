/**
 * The dashboard's router: the browser location as a signal, History API navigation, and route
 * matching by path segments. Small on purpose — pages are lazy-loaded by the route table.
 */
import { signal } from "@preact/signals";

export type Location = { path: string; search: URLSearchParams };

function read(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export const currentLocation = signal<Location>(read());

window.addEventListener("popstate", () => {
  currentLocation.value = read();
});

/** Goes to `to` (path and query) without a reload; `replace` keeps the history entry count. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  currentLocation.value = read();
  if (!opts.replace) window.scrollTo(0, 0);
}

/** The current path and query, e.g. to come back to after signing in. */
export function currentHref(): string {
  return window.location.pathname + window.location.search;
}

/** Params of `pattern` (`/runs/:id`) when `path` matches it, else null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const h = have[i] ?? "";
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

/** Builds a query string from filters, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) q.append(key, v);
    else if (value) q.set(key, value);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
