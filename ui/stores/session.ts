/**
 * Whether this browser is signed in. The session itself is an HttpOnly cookie the page cannot
 * read, so the state here is what the API last said: checked once at start, set by sign-in and
 * sign-out, and dropped by any 401 (an expired session), which sends the user to sign in and
 * remembers where they were.
 */
import { signal } from "@preact/signals";
import { currentHref, currentLocation, navigate, withQuery } from "../lib/router";

export type SessionState = "checking" | "signed-in" | "signed-out";

export const sessionState = signal<SessionState>("checking");
/** Set when a session ended under the user's feet, to say so on the sign-in page. */
export const sessionExpired = signal(false);

export const SIGN_IN_PATH = "/sign-in";

export function onUnauthorized(): void {
  const wasSignedIn = sessionState.value === "signed-in";
  sessionState.value = "signed-out";
  if (currentLocation.value.path === SIGN_IN_PATH) return;
  sessionExpired.value = wasSignedIn;
  navigate(withQuery(SIGN_IN_PATH, { next: currentHref() }), { replace: true });
}

/** Where to go after signing in: only a path on this origin, never an open redirect. */
export function safeNext(next: string | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith(SIGN_IN_PATH)) return "/";
  return next;
}
